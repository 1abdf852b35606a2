"""The receiving side of the HL7 v2 feed: archive, de-duplicate, ingest, acknowledge.

``receive_hl7(raw, peer)`` is the MLLP listener's handler. For each frame it:
1. parses (a message that does not parse is archived as failed and answered AE/AR);
2. in ONE transaction: answers AA without changes if the (sender, control id) was already
   processed (archiving the copy as a duplicate), else ingests the message and archives it as
   processed — so the data and its archive row commit together, before the ACK is sent;
3. on a data error rolls the ingestion back, archives the message as failed with the reason
   (the dead-letter store) and answers AE with an ERR segment.
A process that dies mid-way commits nothing and sends no ACK; the sender re-sends, and the
re-sent copy is processed as if new.

Frames that arrive together on several connections share one transaction (``group_commit``):
each frame in its own savepoint, every ACK only after the shared commit. Results are written
through ``records.services.store_encounter_results`` (the bulk path) and the facility's code
mappings and the PID's identifier links are read in one query each per message.
"""

import logging

from django.db import IntegrityError, close_old_connections, connection, transaction
from django.utils import timezone

from healthloop.interop import hl7_ingest
from healthloop.interop.feed_models import InboundMessage, QuarantinedResult
from healthloop.interop.group_commit import GroupCommit
from healthloop.interop.hl7v2 import (
    ErrorCode,
    HL7ParseError,
    ParsedMessage,
    ack_for_bytes,
    build_ack,
    check_supported,
    parse_messages,
)
from healthloop.interop.hl7v2.ack import sniff_header

log = logging.getLogger(__name__)
CHANNEL = "hl7v2"


def _dedupe_key(message: ParsedMessage) -> str:
    h = message.header
    return f"{CHANNEL}|{h.sending_app}|{h.sending_facility}|{h.control_id}"[:255]


def _archive_failure(
    raw: bytes, peer: str, error: HL7ParseError, existing: InboundMessage | None = None
) -> InboundMessage:
    header, codec = sniff_header(raw)
    fields = {
        "status": InboundMessage.Status.FAILED,
        "ack_code": error.ack_code,
        "error_code": str(int(error.code)),
        "error_text": str(error)[:2000],
        "error_location": f"{error.segment or ''}{'-' + str(error.field) if error.field else ''}",
    }
    if existing is not None:
        for name, value in fields.items():
            setattr(existing, name, value)
        existing.attempts += 1
        existing.save()
        return existing
    return InboundMessage.objects.create(
        channel=CHANNEL,
        peer=peer[:100],
        raw=raw,
        charset=codec,
        received_at=timezone.now(),
        sending_app=(header.sending_app if header else "")[:100],
        sending_facility=(header.sending_facility if header else "")[:100],
        message_type=(f"{header.message_type}^{header.trigger}" if header else "")[:20],
        control_id=(header.control_id if header else "")[:100],
        **fields,
    )


def _ingest(message: ParsedMessage, inbound: InboundMessage) -> hl7_ingest.IngestOutcome:
    kind = message.header.message_type
    if kind == "ORU":
        return hl7_ingest.ingest_results(message, inbound)
    if message.header.trigger == "A40":
        return hl7_ingest.ingest_merge(message)
    return hl7_ingest.ingest_patient(message)


def process_message(
    message: ParsedMessage, raw: bytes, peer: str, *, existing: InboundMessage | None = None
) -> str:
    """Ingest one parsed message with its archive row, atomically. Returns the ACK code."""
    key = _dedupe_key(message)
    with transaction.atomic():
        if InboundMessage.objects.filter(dedupe_key=key).exists():
            InboundMessage.objects.create(
                channel=CHANNEL,
                peer=peer[:100],
                raw=raw,
                received_at=timezone.now(),
                sending_app=message.header.sending_app[:100],
                sending_facility=message.header.sending_facility[:100],
                message_type=f"{message.header.message_type}^{message.header.trigger}"[:20],
                control_id=message.header.control_id[:100],
                charset=message.charset.codec,
                status=InboundMessage.Status.DUPLICATE,
                ack_code="AA",
            )
            return "AA"
        # Saved once, after the ingestion (the held results point at it and are saved last).
        inbound = existing or InboundMessage(
            channel=CHANNEL,
            peer=peer[:100],
            raw=raw,
            received_at=timezone.now(),
        )
        inbound.sending_app = message.header.sending_app[:100]
        inbound.sending_facility = message.header.sending_facility[:100]
        inbound.message_type = f"{message.header.message_type}^{message.header.trigger}"[:20]
        inbound.control_id = message.header.control_id[:100]
        inbound.charset = message.charset.codec
        inbound.status = (
            InboundMessage.Status.REPROCESSED if existing else InboundMessage.Status.PROCESSED
        )
        inbound.ack_code, inbound.error_code, inbound.error_text = "AA", "", ""
        inbound.dedupe_key = key
        outcome = _ingest(message, inbound)
        inbound.result_count = outcome.results
        inbound.quarantined_count = len(outcome.quarantined)
        inbound.person_uuid = outcome.person.uuid if outcome.person else None
        inbound.processed_at = timezone.now()
        inbound.save()
        QuarantinedResult.objects.bulk_create(outcome.quarantined)
    return "AA"


def _release_stale_connections() -> None:
    """Listener threads hold a connection each: drop it if it broke or aged out. Never inside
    an atomic block (a caller's transaction, or a test's), where it would close a live one."""
    if not connection.in_atomic_block:
        close_old_connections()


def receive_hl7(raw: bytes, peer: str) -> bytes:
    """The MLLP handler: one frame in, one ACK out (after the data is committed).

    Frames received at the same time on different connections are committed together
    (``group_commit``): each in its own savepoint, all in one transaction, every ACK after
    that transaction's commit."""
    _release_stale_connections()
    try:
        messages = parse_messages(raw)
        for message in messages:
            check_supported(message)
    except HL7ParseError as error:
        _archive_failure(raw, peer, error)
        _release_stale_connections()
        return ack_for_bytes(raw, error)

    def failed() -> None:
        error = HL7ParseError(ErrorCode.APPLICATION_INTERNAL_ERROR, "internal error")
        _archive_failure(raw, peer, error)

    try:
        return GROUP_COMMIT.submit(lambda: _process_frame(messages, raw, peer), on_failure=failed)
    except Exception:
        log.exception("HL7 message from %s could not be processed", peer)
        raise
    finally:
        _release_stale_connections()


GROUP_COMMIT = GroupCommit()


def _process_frame(messages: list[ParsedMessage], raw: bytes, peer: str) -> bytes:
    """Ingest a parsed frame (inside the caller's transaction); the ACK to send after commit."""
    try:
        for message in messages:
            try:
                process_message(message, raw, peer)
            except IntegrityError:
                # A concurrent copy of the same message may have won the race: then this one
                # is a duplicate. Any other integrity error is a real failure.
                if not InboundMessage.objects.filter(dedupe_key=_dedupe_key(message)).exists():
                    raise
                log.info("duplicate control id %s raced", message.header.control_id)
    except HL7ParseError as error:
        _archive_failure(raw, peer, error)
        return ack_for_bytes(raw, error)
    first = messages[0]
    return build_ack(first.header, code="AA", codec=first.charset.codec or "utf-8")


def reprocess_message(inbound: InboundMessage) -> InboundMessage:
    """Run a dead-letter message through ingestion again (after a mapping or a fix)."""
    raw = bytes(inbound.raw)
    try:
        for message in parse_messages(raw):
            check_supported(message)
            process_message(message, raw, inbound.peer, existing=inbound)
    except HL7ParseError as error:
        _archive_failure(raw, inbound.peer, error, existing=inbound)
    inbound.refresh_from_db()
    return inbound
