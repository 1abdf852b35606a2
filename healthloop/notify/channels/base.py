"""What the dispatcher hands an adapter and what it gets back.

Adapters do no database work in ``send``/``lookup`` (the dispatcher calls them from a thread
pool); ``prepare`` runs first on the dispatcher's thread and may read or refresh tokens.
"""

import datetime as dt
import logging
import threading
from dataclasses import dataclass, field
from typing import Any

import httpx

from healthloop.notify import conf

log = logging.getLogger("healthloop.notify")


@dataclass(frozen=True)
class OutgoingMessage:
    notification_uuid: str
    idempotency_key: str  # the same on every attempt of this notification on this channel
    channel: str
    address: str
    title: str
    body: str
    template: str
    params: dict[str, str]
    language: str
    urgent: bool
    dates: tuple[dt.date, ...] = ()  # local dates an earlier, unrecorded attempt may fall on


@dataclass(frozen=True)
class SendResult:
    outcome: str  # sent | delivered | retry | permanent
    provider_id: str = ""
    code: str = ""
    answer: str = ""
    # retry only: True when the provider may have accepted the message (5xx, timeout), so the
    # next attempt asks the provider first where the adapter can.
    uncertain: bool = False
    # retry only: the adapter's token was refused (40001/42001): refresh, then retry at once.
    refresh_token: bool = False

    @classmethod
    def retry(cls, code: str, answer: str, *, uncertain: bool = False) -> "SendResult":
        return cls("retry", code=code, answer=answer[:2000], uncertain=uncertain)

    @classmethod
    def permanent(cls, code: str, answer: str) -> "SendResult":
        return cls("permanent", code=code, answer=answer[:2000])


@dataclass
class Receipt:
    provider_id: str
    delivered: bool
    code: str = ""
    answer: str = ""


class Adapter:
    channel = ""
    can_lookup = False  # can tell whether a message with this idempotency key was accepted

    def prepare(self) -> None:
        """Runs on the dispatcher's thread before a batch (may use the database)."""

    def refresh(self) -> None:
        """The provider refused our token: fetch a new one (dispatcher thread)."""

    def send(self, message: OutgoingMessage) -> SendResult:
        raise NotImplementedError

    def lookup(self, message: OutgoingMessage) -> SendResult | None:
        """An earlier attempt's outcome is unknown: the provider's record of it, or None."""
        return None

    def receipts(self, sent: list[dict[str, Any]]) -> list[Receipt]:
        """Delivery receipts for sent messages (``provider_id``, ``address``, ``sent_at``)."""
        return []


_local = threading.local()


def http_client() -> httpx.Client:
    """One keep-alive client per thread (httpx clients are not shared across threads here)."""
    client = getattr(_local, "client", None)
    if client is None:
        timeout = float(conf.get("NOTIFY_HTTP_TIMEOUT_SECONDS"))
        client = httpx.Client(timeout=timeout, headers={"User-Agent": "HealthLoop-notify/1"})
        _local.client = client
    return client


def http_failure(exc: Exception) -> SendResult:
    """A transport error: the request may or may not have reached the provider."""
    return SendResult.retry("http_error", f"{type(exc).__name__}: {exc}", uncertain=True)


@dataclass
class ConsoleAdapter(Adapter):
    """The default for every external channel: log the message, call nobody."""

    channel: str = ""
    sent: list[OutgoingMessage] = field(default_factory=list)

    def send(self, message: OutgoingMessage) -> SendResult:
        log.info(
            "notify[%s] to %s: %s %s", self.channel, message.address, message.title, message.body
        )
        return SendResult("sent", provider_id=f"console-{message.idempotency_key}")
