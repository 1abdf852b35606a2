"""Liveness and readiness: /healthz reports the database and the task queue."""

import time

from django.db import connection
from django.http import JsonResponse
from huey.contrib.djhuey import HUEY


def healthz(request):
    checks: dict[str, dict[str, object]] = {}
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = {"ok": True, "vendor": connection.vendor}
    except Exception as exc:  # report, never raise, from a health check
        checks["database"] = {"ok": False, "error": str(exc)}
    try:
        checks["queue"] = {
            "ok": True,
            "backend": type(HUEY.storage).__name__,
            "pending": HUEY.pending_count(),
            "scheduled": HUEY.scheduled_count(),
        }
    except Exception as exc:
        checks["queue"] = {"ok": False, "error": str(exc)}
    ok = all(check["ok"] for check in checks.values())
    checks_ms = round((time.perf_counter() - started) * 1000, 1)
    return JsonResponse(
        {"status": "ok" if ok else "degraded", "checks": checks, "elapsed_ms": checks_ms},
        status=200 if ok else 503,
    )
