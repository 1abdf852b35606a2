"""python manage.py mllp_send FILE --host H --port P — send a file of HL7 messages, check ACKs.

Exit status 0 when every message was accepted (AA/CA), 1 when some were rejected, 2 when some
got no ACK at all after the retries.
"""

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand

from healthloop.interop.hl7v2 import send_messages, split_messages


class Command(BaseCommand):
    help = "Send a file of HL7 v2 messages over MLLP and report each ACK."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=2575)
        parser.add_argument("--connections", type=int, default=1)
        parser.add_argument("--timeout", type=float, default=30.0)
        parser.add_argument("--retries", type=int, default=5)
        parser.add_argument("--quiet", action="store_true", help="print only the summary")

    def handle(self, *args, **options):
        messages = split_messages(options["file"].read_bytes())
        started = time.perf_counter()
        results = send_messages(
            options["host"],
            options["port"],
            messages,
            timeout=options["timeout"],
            retries=options["retries"],
            connections=options["connections"],
        )
        elapsed = time.perf_counter() - started
        for result in results if not options["quiet"] else []:
            detail = f" {result.error_code} {result.error_text}" if result.error_text else ""
            self.stdout.write(f"{result.control_id}\t{result.ack_code or 'NO-ACK'}{detail}")
        accepted = sum(r.accepted for r in results)
        missing = sum(r.ack_code is None for r in results)
        self.stdout.write(
            f"sent {len(results)} messages in {elapsed:.2f} s: {accepted} accepted, "
            f"{len(results) - accepted - missing} rejected, {missing} without ACK"
        )
        if missing:
            sys.exit(2)
        if accepted < len(results):
            sys.exit(1)
