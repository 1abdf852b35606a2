"""python manage.py calc NAME --input JSON — prints the result object; exit 2 on bad input."""

import json
import sys

from django.core.management.base import BaseCommand

from healthloop.assessment.calculators import (
    CalculatorNotFound,
    InputError,
    parse_json_input,
    run_calculator,
)


class Command(BaseCommand):
    help = "Run one clinical calculator (see docs/clinical.md) and print its result as JSON."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--input", required=True, help="the inputs as a JSON object")

    def handle(self, *args, **options):
        try:
            result = run_calculator(options["name"], parse_json_input(options["input"]))
        except InputError as exc:
            self._fail(exc.to_dict())
        except CalculatorNotFound:
            self._fail({"error": f"unknown calculator: {options['name']}", "field": None})
        self.stdout.write(json.dumps(result, ensure_ascii=False))

    def _fail(self, error: dict) -> None:
        self.stdout.write(json.dumps(error, ensure_ascii=False))
        sys.exit(2)
