"""Run the notification dispatcher in the foreground (an alternative to the Huey worker for a
dedicated sender machine, and what the reliability tests kill -9)."""

import time

from django.core.management.base import BaseCommand

from healthloop.notify.dispatch import dispatch_batch


class Command(BaseCommand):
    help = "Dispatch due notifications; with --loop keep polling until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true")
        parser.add_argument("--idle-seconds", type=float, default=0.5)
        parser.add_argument("--batch-size", type=int, default=None)

    def handle(self, *args, **options):
        self.stdout.write("notify dispatcher started", ending="\n")
        self.stdout.flush()
        total = 0
        while True:
            claimed = dispatch_batch(batch_size=options["batch_size"])
            total += claimed
            if claimed:
                continue
            if not options["loop"]:
                break
            time.sleep(options["idle_seconds"])
        self.stdout.write(f"dispatched {total}")
