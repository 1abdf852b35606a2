"""python manage.py load_rules [--draft-only] — bring the YAML defaults into the database."""

from django.core.management.base import BaseCommand

from healthloop.assessment.rules.loader import load_rules


class Command(BaseCommand):
    help = "Load the screening-rule YAML defaults (idempotent; never overwrites an admin edit)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--draft-only",
            action="store_true",
            help="changed defaults become drafts even for untouched rules",
        )

    def handle(self, *args, **options):
        report = load_rules(actor=None, draft_only=options["draft_only"])
        self.stdout.write(
            f"created {len(report.created)}, updated {len(report.updated)}, "
            f"pending review {len(report.pending)}, unchanged {report.unchanged}"
        )
        for code in report.pending:
            self.stdout.write(f"  newer YAML default waits as a draft: {code}")
