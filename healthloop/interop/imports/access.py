"""Which import jobs a user sees. A job's error report shows names, masked identifiers and
result values of the failed rows, so it is not for every importer: a user sees the jobs they
started; department heads see every job (they supervise the centre's imports). Outside that
scope a job is "not found", never "forbidden"."""

import uuid
from typing import Any

from django.db.models import QuerySet

from healthloop.accounts.permissions import Perm, Role
from healthloop.audit.services import record_event
from healthloop.core.errors import NotFound
from healthloop.interop.models import ImportJob

SEES_ALL_JOBS = frozenset({Role.DEPT_HEAD})


def visible_import_jobs(user: Any) -> QuerySet[ImportJob]:
    jobs = ImportJob.objects.select_related("created_by")
    if user is None or not user.is_authenticated or not user.has_perm_code(Perm.IMPORT_RESULTS):
        return jobs.none()
    return jobs if user.role in SEES_ALL_JOBS else jobs.filter(created_by=user)


def access_import_job(
    user: Any, job_uuid: uuid.UUID | str, *, action: str = "", request: Any = None
) -> ImportJob:
    """The job if the user may see it (audited when ``action`` is given); NotFound otherwise."""
    try:
        key = uuid.UUID(str(job_uuid))
    except ValueError:
        raise NotFound("import job") from None
    job = visible_import_jobs(user).filter(uuid=key).first()
    if job is None:
        raise NotFound("import job")
    if action:
        record_event(
            actor=user,
            action=action,
            object_type="import_job",
            object_id=str(job.uuid),
            request=request,
        )
    return job
