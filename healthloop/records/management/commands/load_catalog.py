from django.core.management.base import BaseCommand

from healthloop.records.catalog_loader import load_catalog


class Command(BaseCommand):
    help = "Load the exam-item catalog from records/catalog/exam_items.yaml (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--update",
            action="store_true",
            help="rewrite existing items from the YAML (discards administrators' edits)",
        )

    def handle(self, *args, **options):
        result = load_catalog(update=options["update"])
        self.stdout.write(
            f"catalog: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged"
        )
