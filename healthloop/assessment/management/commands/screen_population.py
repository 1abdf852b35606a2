"""python manage.py screen_population [--persons-per-batch N] [--workers N] [--as-of DATE]"""

import datetime as dt
import time

from django.core.management.base import BaseCommand

from healthloop.assessment.engine.run import default_workers, screen_population


class Command(BaseCommand):
    help = "Screen every live person with the published rules (set-based, batch by batch)."

    def add_arguments(self, parser):
        parser.add_argument("--persons-per-batch", type=int, default=2000)
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="parallel processes (default: one per core up to 4; always 1 on SQLite)",
        )
        parser.add_argument(
            "--as-of",
            type=dt.date.fromisoformat,
            default=None,
            help="evaluate as of this date (default: today)",
        )

    def handle(self, *args, **options):
        started = time.perf_counter()

        def progress(done, total, counts):
            elapsed = time.perf_counter() - started
            self.stdout.write(
                f"screened {done}/{total} ({100 * done / max(total, 1):.0f} %) in {elapsed:.1f} s"
            )

        counts = screen_population(
            batch_size=options["persons_per_batch"],
            as_of=options["as_of"],
            progress=progress,
            workers=options["workers"] or default_workers(),
        )
        elapsed = time.perf_counter() - started
        summary = ", ".join(f"{key} {value}" for key, value in sorted(counts.items()))
        self.stdout.write(self.style.SUCCESS(f"done in {elapsed:.1f} s: {summary}"))
