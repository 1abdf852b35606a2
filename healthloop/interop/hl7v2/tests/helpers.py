"""Shared helpers for the HL7 v2 tests: the shared corpus, message builders, a deadline runner."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

_DEFAULT_CORPUS = Path(__file__).resolve().parents[4].parent / "shared" / "corpora" / "hl7v2"
CORPUS = Path(os.environ.get("HEALTHLOOP_HL7_CORPUS", _DEFAULT_CORPUS))


def corpus_bytes(name: str) -> bytes:
    """A corpus file, byte for byte (the corpus lives in shared/, beside the repository)."""
    path = CORPUS / name
    assert path.is_file(), f"HL7 corpus file missing: {path} (set HEALTHLOOP_HL7_CORPUS)"
    return path.read_bytes()


def oru(
    control_id: str = "MSG1", *, charset: str = "", family: str = "DOE", sep: str = "\r"
) -> str:
    """A small, valid ORU^R01 v2.5.1 with one NM result."""
    segments = [
        f"MSH|^~\\&|LIS|LAB|HL|HOSP|20240102030405+0800||ORU^R01^ORU_R01|{control_id}|P|2.5.1"
        f"||||||{charset}",
        f"PID|1||P001^^^HOSP^MR||{family}^JOHN||19800101|M",
        "OBR|1|PL1|FL1|GLU^Glucose^L|||20240102030000+0800",
        "OBX|1|NM|2345-7^Glucose^LN||5.6|mmol/L^mmol/L^UCUM|3.9-6.1|N|||F|||20240102030000+0800",
    ]
    return sep.join(segments) + sep


def run_with_deadline(func: Callable[[], object], seconds: float) -> tuple[bool, object]:
    """Run ``func`` in a daemon thread; (finished_in_time, result or exception)."""
    outcome: list[object] = []

    def target() -> None:
        try:
            outcome.append(func())
        except BaseException as exc:  # reported to the caller
            outcome.append(exc)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    return (not thread.is_alive(), outcome[0] if outcome else None)
