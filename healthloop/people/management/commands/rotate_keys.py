"""Rotate the keys of identifiers at rest.

    python manage.py rotate_keys                 # re-encrypt / re-index to the current keys
    python manage.py rotate_keys --new-key       # key file: add a data key, make it current
    python manage.py rotate_keys --new-key --new-index-key

With FIELD_KEYS in the environment, put the new key first (old ones after it, a new
``index:`` key if the index key changes), run this, and drop the old key once the command
reports nothing left under it. Safe to re-run (e.g. after restarting the other processes).
"""

from django.core.management.base import BaseCommand, CommandError

from healthloop.audit.services import record_event
from healthloop.core.keys import add_data_key, remaining_under_other_keys, rotate_field_keys


class Command(BaseCommand):
    help = "Re-encrypt identifiers and recompute blind indexes under the current keys."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--new-key", action="store_true", help="add a data key (key file)")
        parser.add_argument("--new-index-key", action="store_true", help="with --new-key")
        parser.add_argument("--batch", type=int, default=500)

    def handle(self, *args: object, **options) -> None:
        if options["new_index_key"] and not options["new_key"]:
            raise CommandError("--new-index-key goes with --new-key")
        if options["new_key"]:
            try:
                key_id = add_data_key(new_index_key=options["new_index_key"])
            except RuntimeError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"new current data key: {key_id}")
        report = rotate_field_keys(batch=options["batch"])
        for label, count in sorted(report.reencrypted.items()):
            self.stdout.write(f"re-encrypted {label}: {count}")
        for label, count in sorted(report.reindexed.items()):
            self.stdout.write(f"re-indexed {label}: {count}")
        left = remaining_under_other_keys()
        record_event(
            actor=None,
            action="keys.rotated",
            object_type="key_ring",
            object_id=report.current_key,
            detail={
                "reencrypted": sum(report.reencrypted.values()),
                "reindexed": sum(report.reindexed.values()),
                "old_keys": dict(report.by_old_key),
                "left": dict(left),
            },
        )
        if left:
            raise CommandError(f"rows still under old keys: {dict(left)}")
        self.stdout.write(
            f"keys rotated: current {report.current_key}, "
            f"{sum(report.reencrypted.values())} re-encrypted, "
            f"{sum(report.reindexed.values())} re-indexed, nothing left under old keys"
        )
