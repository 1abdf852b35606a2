"""Every message of the shared HL7 v2 corpus through the feed: valid ones are acknowledged
and land in the record (or quarantine), malformed ones are refused with a reason and kept in
the dead-letter store. Decisions per file: healthloop/interop/hl7v2/CORPUS_DECISIONS.md."""

from pathlib import Path

import pytest

from healthloop.interop.feed_models import InboundMessage
from healthloop.interop.feeds import receive_hl7
from healthloop.interop.hl7v2 import parse_ack, split_messages
from healthloop.people.models import Person

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpora" / "hl7v2"
REJECTED = {
    "adt-a01-space-separated.hl7", "hapi-oru-radiology-22-malformed.hl7",
    "lfh-adt-a01-crlf-bad-msh2.hl7", "nhapi-empty-field-flood.bin", "nhapi-legacy-hang1.bin",
    "nhapi-legacy-nullref1.bin", "nhapi-so5-long-version.bin",
}  # fmt: skip
UNSUPPORTED = {"hapi-olis-chem-erp-231.hl7"}  # ERP^Z99: not a message type we accept (AR 200)
# Well-formed HL7 carrying values no human can have, for items in our catalog: refused (AE)
# rather than stored, so that no impossible number reaches screening. See docs/interop.md.
IMPOSSIBLE = {
    "nist-lri-cbc-ng.hl7": "血红蛋白不支持单位“g/mL”",  # Hb 12.5 g/mL (g/dL meant)
    "v2fhir-oru-lab-panel-231.hl7": "钙的结果109mmol/L不可能",  # calcium 109 "mmol/L"
}
# The batch repeats its first message's control id in a second batch: a duplicate.
DUPLICATES = {"pyhl7-batch-file-adt-a04.hl7": 1}
FILES = sorted(p for p in CORPUS.rglob("*") if p.suffix in (".hl7", ".bin"))


def test_the_corpus_is_there():
    assert len(FILES) == 41


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
@pytest.mark.django_db
def test_corpus_message_is_acknowledged_as_decided(path, catalog):
    raw = path.read_bytes()
    frames = split_messages(raw) if path.suffix == ".hl7" and path.name not in REJECTED else [raw]
    frames = frames or [raw]
    # when each message of the file is received
    acks = [parse_ack(receive_hl7(frame, "corpus")) for frame in frames]
    # then
    codes = {ack.ack_code for ack in acks}
    archived = InboundMessage.objects.count()
    if path.name in REJECTED:
        assert codes <= {"AE", "AR"} and acks[0].error_text
        assert InboundMessage.objects.filter(status="failed").count() == archived
    elif path.name in UNSUPPORTED:
        assert codes == {"AR"} and acks[0].error_code == 200
    elif path.name in IMPOSSIBLE:
        assert codes == {"AE"} and IMPOSSIBLE[path.name] in acks[0].error_text
        assert InboundMessage.objects.get().error_location == "OBX-5"
    else:
        assert codes == {"AA"}, [(a.error_code, a.error_text) for a in acks]
        duplicates = DUPLICATES.get(path.name, 0)
        assert InboundMessage.objects.filter(status="duplicate").count() == duplicates
        assert InboundMessage.objects.filter(status="processed").count() == archived - duplicates
        assert Person.objects.count() >= 1
