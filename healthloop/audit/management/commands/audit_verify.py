"""Check the audit hash chain; exit non-zero and name each broken event if it was tampered with.

python manage.py audit_verify
"""

from django.core.management.base import BaseCommand, CommandError

from healthloop.audit.verification import verify_audit_chain


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain (altered, inserted or deleted events)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--no-seal",
            action="store_true",
            help="check only; do not seal committed events first",
        )

    def handle(self, *args: object, **options: object) -> None:
        result = verify_audit_chain(seal=not options["no_seal"])
        for problem in result.problems:
            self.stdout.write(str(problem))
        if not result.ok:
            raise CommandError(
                f"audit chain BROKEN: {len(result.problems)} problem(s) in "
                f"{result.checked} events (head seq {result.head_seq})"
            )
        self.stdout.write(
            f"audit chain OK: {result.checked} events, head seq {result.head_seq}"
            f" ({result.sealed} sealed now, {result.unsealed} pending)"
        )
