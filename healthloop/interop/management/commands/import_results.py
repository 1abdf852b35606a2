"""manage.py import_results FILE [--mode all_or_nothing|valid_rows] [--user NAME]
[--source-system NAME] [--errors-out PATH]: import exam results from CSV/xlsx, synchronously."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from healthloop.accounts.permissions import Perm
from healthloop.core.errors import ServiceError
from healthloop.interop.imports import services
from healthloop.interop.imports.report import error_report_csv
from healthloop.interop.models import ImportJob


class Command(BaseCommand):
    help = "Import exam results from a CSV or .xlsx file (runs in this process)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--mode", choices=ImportJob.Mode.values, default=ImportJob.Mode.ALL_OR_NOTHING
        )
        parser.add_argument("--user", help="the importing user (recorded and audited)")
        parser.add_argument("--source-system", default=services.DEFAULT_SOURCE_SYSTEM)
        parser.add_argument("--errors-out", type=Path, help="write the error report CSV here")

    def handle(self, *args, **options):
        actor = self._actor(options["user"])
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        try:
            job = services.start_import(
                actor=actor,
                file_name=path.name,
                content=path.read_bytes(),
                mode=options["mode"],
                source_system=options["source_system"],
                run_now=True,
            )
        except ServiceError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from None
        summary = services.summary(job)
        self.stdout.write(" ".join(f"{k}={v}" for k, v in summary.items()) + f" job={job.uuid}")
        if options["errors_out"] and job.errors:
            options["errors_out"].write_bytes(error_report_csv(job))
            self.stdout.write(f"error report: {options['errors_out']}")
        if job.status == ImportJob.Status.REJECTED:
            raise CommandError(f"rejected: {job.rows_failed} rows have errors, nothing written")

    def _actor(self, username: str | None):
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no such user: {username}")
        if not user.has_perm_code(Perm.IMPORT_RESULTS):
            raise CommandError(f"user {username} may not import results")
        return user
