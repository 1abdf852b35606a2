"""`manage.py seed_demo --persons N --seed S [--append] [--report] [--digest]`: load the demo
population (see docs/demo-population.md)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from healthloop.demo.digest import population_digest
from healthloop.demo.generator import DemoDataPresent, seed_demo
from healthloop.demo.prevalence import measure_prevalence, report_lines


class Command(BaseCommand):
    help = (
        "Load a deterministic demo population: a petrochemical company's staff and retirees "
        "with yearly exams 2021–2025. Refuses when persons exist unless --append."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--persons", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--chunk-size", type=int, default=1000)
        parser.add_argument(
            "--append",
            action="store_true",
            help="add persons to a non-empty database (the sequence continues after them)",
        )
        parser.add_argument(
            "--report", action="store_true", help="then print prevalences against targets"
        )
        parser.add_argument(
            "--digest", action="store_true", help="then print a SHA-256 of the demo data"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["persons"] < 1:
            raise CommandError("--persons must be at least 1")
        try:
            result = seed_demo(
                persons=options["persons"],
                seed=options["seed"],
                append=options["append"],
                chunk_size=options["chunk_size"],
                progress=self.stdout.write,
            )
        except DemoDataPresent as exc:
            raise CommandError(
                f"{exc}: use --append to add more, or start from an empty database"
            ) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"demo: {result.persons} persons, {result.encounters} encounters, "
                f"{result.observations} observations, {result.conditions} conditions, "
                f"{result.medications} medications, {result.family_history} family history, "
                f"{result.lifestyle} lifestyle, {result.pending} pending assessments "
                f"in {result.elapsed_s:.1f}s"
            )
        )
        if options["report"]:
            measured = measure_prevalence()
            men = 100.0 * measured.men / max(measured.persons, 1)
            self.stdout.write(f"{measured.persons} persons at their latest exam, {men:.1f} % men")
            for line in report_lines(measured):
                self.stdout.write(line)
            for band, (n, rate) in measured.hypertension_by_age.items():
                self.stdout.write(f"hypertension {band}: {rate:.1f} % of {n}")
        if options["digest"]:
            self.stdout.write(f"digest: {population_digest()}")
