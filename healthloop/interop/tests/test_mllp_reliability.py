"""Real processes: kill -9 the MLLP listener in the middle of a stream. The sender re-sends
what was not acknowledged and in the end nothing is lost and nothing is stored twice."""

import signal
import threading
import time

import pytest

from healthloop.core.testing import free_port, live_database
from healthloop.interop.hl7v2 import send_messages
from healthloop.interop.tests.hl7_samples import oru
from healthloop.people.identity import check_char

MESSAGES = 120
RESULTS_PER_MESSAGE = 4


def _resident_id(n: int) -> str:
    first17 = f"1101051975{1 + n % 12:02d}{1 + n % 28:02d}{2 * n + 1:03d}"  # odd: male
    return first17 + check_char(first17)


def _stream() -> list[bytes]:
    results = [
        ("SBP^收缩压^L", "NM", "132", "mmHg", "N"),
        ("DBP^舒张压^L", "NM", "84", "mmHg", "N"),
        ("GLU^空腹血糖^L", "NM", "5.4", "mmol/L", "N"),
        ("TC^总胆固醇^L", "NM", "4.9", "mmol/L", "N"),
    ]
    return [
        oru(
            control_id=f"REL{n:04d}",
            pid3=f"{_resident_id(n)}^^^CHN^ID",
            filler=f"F{n:04d}",
            results=results,
        ).encode()
        for n in range(MESSAGES)
    ]


def _start(live, port):
    proc = live.popen("mllp_server", "--port", str(port), "--workers", "2")
    seen = []
    for raw in proc.stdout:  # wait until it listens, then keep draining its log in a thread
        seen.append(raw.decode())
        if "listening" in seen[-1] or "MLLP listener" in seen[-1]:
            break
    else:
        raise AssertionError("".join(seen))
    threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()
    return proc


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_killed_listener_loses_nothing_and_stores_nothing_twice(tmp_path):
    # given a listener on a real database and a sender streaming 120 messages
    live = live_database(tmp_path)
    port = free_port()
    server = _start(live, port)
    outcome: dict = {}
    sender = threading.Thread(
        target=lambda: outcome.update(
            results=send_messages(
                "127.0.0.1", port, _stream(), timeout=5, retries=40, backoff=0.2, max_backoff=1.0
            )
        )
    )
    sender.start()
    # when the listener is killed -9 after it has committed some of them, then restarted
    deadline = time.monotonic() + 60
    while live.scalar("SELECT count(*) FROM interop_inboundmessage") < 10:
        assert time.monotonic() < deadline, "listener committed nothing"
        time.sleep(0.05)
    server.send_signal(signal.SIGKILL)
    server.wait()
    committed_at_kill = live.scalar("SELECT count(*) FROM interop_inboundmessage")
    time.sleep(1.0)
    server = _start(live, port)
    sender.join(timeout=180)
    server.terminate()
    server.wait(timeout=30)
    # then every message was acknowledged, each stored exactly once
    results = outcome["results"]
    assert committed_at_kill < MESSAGES
    assert [r.ack_code for r in results] == ["AA"] * MESSAGES
    assert (
        live.scalar("SELECT count(*) FROM interop_inboundmessage WHERE status = 'processed'")
        == MESSAGES
    )
    assert live.scalar("SELECT count(*) FROM records_observation") == MESSAGES * RESULTS_PER_MESSAGE
    assert live.scalar("SELECT count(*) FROM records_encounter") == MESSAGES
    assert live.scalar("SELECT count(*) FROM people_person") == MESSAGES
