"""Import limits, read from Django settings when present (names below), else these defaults.

The lead may map them to environment variables in settings.py; tests override them with
pytest-django's ``settings`` fixture.
"""

from django.conf import settings

DEFAULTS: dict[str, int] = {
    "IMPORT_MAX_BYTES": 50 * 1024 * 1024,  # a larger upload is refused before it is read
    "IMPORT_MAX_ROWS": 200_000,  # data rows per file
    "IMPORT_SYNC_MAX_BYTES": 512 * 1024,  # up to this size the request runs the import itself
    "IMPORT_MAX_REPORTED_ERRORS": 10_000,  # row problems kept for the report (all are counted)
    "IMPORT_PROGRESS_EVERY": 2_000,  # rows between progress updates of the job
}


def limit(name: str) -> int:
    return int(getattr(settings, name, DEFAULTS[name]))
