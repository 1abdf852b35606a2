"""Load the follow-up template defaults (defaults/templates.yaml) without overwriting edits."""

from django.core.management.base import BaseCommand

from healthloop.followup.template_loader import load_templates


class Command(BaseCommand):
    help = "Load the follow-up template defaults; administrators' edits are never overwritten."

    def handle(self, *args, **options):
        report = load_templates(actor=None)
        self.stdout.write(
            f"created {len(report.created)}, updated {len(report.updated)}, "
            f"newer default pending for {len(report.pending)} edited, unchanged {report.unchanged}"
        )
        for name in report.pending:
            self.stdout.write(f"  pending (edited by an administrator): {name}")
