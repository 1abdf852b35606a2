"""python manage.py mllp_server --port 2575 — the HL7 v2 listener (started by `make run`)."""

import asyncio
import logging
import os

from django.core.management.base import BaseCommand

from healthloop.interop.feeds import receive_hl7
from healthloop.interop.hl7v2 import serve


class Command(BaseCommand):
    help = "Listen for HL7 v2 messages over MLLP; commit each before acknowledging it."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("MLLP_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("MLLP_PORT", "2575")))
        parser.add_argument(
            "--workers",
            type=int,
            default=4,
            help="threads doing database work (each holds one DB connection)",
        )
        parser.add_argument("--max-connections", type=int, default=64)

    def handle(self, *args, **options):
        logging.getLogger("healthloop").setLevel(logging.INFO)

        def started(server):
            self.stdout.write(f"MLLP listener on {options['host']}:{server.port}", ending="\n")
            self.stdout.flush()

        asyncio.run(
            serve(
                options["host"],
                options["port"],
                receive_hl7,
                workers=options["workers"],
                max_connections=options["max_connections"],
                on_started=started,
            )
        )
