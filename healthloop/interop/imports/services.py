"""The import job: start it, run it (parse → validate → write), record how it ended.

Small files (up to ``IMPORT_SYNC_MAX_BYTES``) run inside the request, so the user gets the
outcome at once; larger ones are stored (encrypted) and run by the Huey worker
(``interop.tasks.run_import_job_task``), and the job row reports progress meanwhile.
"""

import logging
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from healthloop.audit.services import record_event
from healthloop.core.errors import ServiceError
from healthloop.interop.imports.columns import find_layout
from healthloop.interop.imports.conf import limit
from healthloop.interop.imports.errors import FileProblem
from healthloop.interop.imports.errors import ImportErrorCode as Code
from healthloop.interop.imports.parsing import check_size, read_table
from healthloop.interop.imports.storage import delete_upload, load_upload, save_upload
from healthloop.interop.imports.validation import Validation, validate_rows
from healthloop.interop.imports.writing import WriteResult, write_results
from healthloop.interop.models import ImportJob
from healthloop.records.catalog import get_catalog

logger = logging.getLogger(__name__)

DEFAULT_SOURCE_SYSTEM = "file_import"
Status = ImportJob.Status


def start_import(
    *,
    actor: Any,
    file_name: str,
    content: bytes | UploadedFile,
    mode: str = "all_or_nothing",
    source_system: str = DEFAULT_SOURCE_SYSTEM,
    run_now: bool | None = None,
) -> ImportJob:
    """Record an import job for the uploaded file and run it now or in the worker.

    Preconditions: ``actor`` holds ``interop.import_results``; ``mode`` is a Mode value. The
    import acts for the whole population (see persons.py). A file-level problem found while
    running here is recorded on the job and raised as FileProblem (field "file").
    """
    size = len(content) if isinstance(content, bytes) else int(content.size or 0)
    authenticated = getattr(actor, "is_authenticated", False)
    job = ImportJob.objects.create(
        created_by=actor if authenticated else None,
        created_by_name=actor.get_username() if authenticated else "system",
        file_name=file_name[:255],
        file_size=size,
        mode=mode,
        source_system=source_system,
    )
    record_event(
        actor=actor,
        action="import.started",
        object_type="import_job",
        object_id=str(job.uuid),
        detail={"file_name": job.file_name, "size": job.file_size, "mode": mode},
    )
    try:
        check_size(size)  # before reading: a huge upload is refused unread
    except FileProblem as problem:
        _fail(job, problem)
        raise
    data = content if isinstance(content, bytes) else content.read()
    if run_now is None:
        run_now = size <= limit("IMPORT_SYNC_MAX_BYTES")
    if run_now:
        return run_import(job, content=data)
    from healthloop.interop.tasks import run_import_job_task  # tasks import this module

    job.stored_file = save_upload(job, data)
    job.save(update_fields=["stored_file", "updated_at"])
    transaction.on_commit(lambda: run_import_job_task(job.pk))
    return job


def run_import_job(job_id: int) -> ImportJob | None:
    """The worker's entry: run a queued job; problems end up on the job, not in the log."""
    job = ImportJob.objects.filter(pk=job_id, status=Status.QUEUED).first()
    if job is None:
        return None  # already run (a retried task) or deleted
    try:
        return run_import(job)
    except ServiceError:
        return job


def run_import(job: ImportJob, *, content: bytes | None = None) -> ImportJob:
    """Run one job to its end. Raises FileProblem (already recorded on the job) when the file
    as a whole cannot be imported; row problems are recorded and do not raise."""
    job.status, job.started_at = Status.RUNNING, timezone.now()
    job.save(update_fields=["status", "started_at", "updated_at"])
    try:
        data = content if content is not None else load_upload(job)
        validation = _validate(job, data)
        written = _write_if_allowed(job, validation)
    except FileProblem as problem:
        _fail(job, problem)
        raise
    except IntegrityError:
        logger.warning("import %s hit a concurrent write", job.uuid, exc_info=True)
        conflict = FileProblem(
            Code.WRITE_CONFLICT, "写入时与同时进行的另一导入冲突，未写入任何数据，请重新导入"
        )
        _fail(job, conflict)
        raise conflict from None
    except Exception:
        logger.exception("import %s failed", job.uuid)
        _fail(job, FileProblem(Code.INTERNAL_ERROR, "导入因系统错误中止，未写入任何数据"))
        raise
    finally:
        if job.stored_file:
            delete_upload(job)
    _finish(job, validation, written)
    return job


def _validate(job: ImportJob, data: bytes) -> Validation:
    table = read_table(job.file_name, data)
    catalog = get_catalog()
    layout, rows = find_layout(table.rows, catalog)
    job.file_format, job.encoding, job.layout = table.file_format, table.encoding, layout.kind
    job.rows_total = len(rows)
    job.save(update_fields=["file_format", "encoding", "layout", "rows_total", "updated_at"])

    def progress(done: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(rows_processed=done)

    validation = validate_rows(
        layout,
        rows,
        catalog=catalog,
        source_system=job.source_system,
        progress=progress,
        every=limit("IMPORT_PROGRESS_EVERY"),
    )
    job.rows_processed = len(rows)
    return validation


def _write_if_allowed(job: ImportJob, validation: Validation) -> WriteResult | None:
    if validation.problems and job.mode == ImportJob.Mode.ALL_OR_NOTHING:
        return None
    if not any(row.observations for row in validation.rows):
        return None
    return write_results(
        rows=validation.rows,
        new_plans=validation.new_plans,
        actor=job.created_by,
        source_system=job.source_system,
        job_uuid=job.uuid,
    )


def _finish(job: ImportJob, validation: Validation, written: WriteResult | None) -> None:
    if not validation.problems:
        job.status = Status.SUCCEEDED
    elif written is None:
        job.status = Status.REJECTED
    else:
        job.status = Status.PARTIAL
    job.rows_total = validation.rows_total
    job.rows_failed = len(validation.failed_rows)
    job.rows_duplicate = validation.duplicate_rows
    if written is not None:
        job.rows_imported = written.rows_imported
        job.observations_created = written.observations_created
        job.encounters_created = written.encounters_created
        job.persons_created = written.persons_created
        job.persons_touched = written.persons_touched
    job.errors = [p.as_dict() for p in validation.problems[: limit("IMPORT_MAX_REPORTED_ERRORS")]]
    job.warnings = validation.warnings
    job.finished_at = timezone.now()
    job.save()
    record_event(
        actor=job.created_by,
        action="import.finished",
        object_type="import_job",
        object_id=str(job.uuid),
        detail=summary(job),
    )


def _fail(job: ImportJob, problem: ServiceError) -> None:
    job.status, job.finished_at = Status.FAILED, timezone.now()
    job.error_code, job.error_message = problem.code, problem.message
    job.save(update_fields=["status", "finished_at", "error_code", "error_message", "updated_at"])
    record_event(
        actor=job.created_by,
        action="import.failed",
        object_type="import_job",
        object_id=str(job.uuid),
        detail={"code": problem.code},
    )


def summary(job: ImportJob) -> dict[str, Any]:
    return {
        "status": job.status,
        "rows_total": job.rows_total,
        "rows_imported": job.rows_imported,
        "rows_duplicate": job.rows_duplicate,
        "rows_failed": job.rows_failed,
        "observations_created": job.observations_created,
        "persons_created": job.persons_created,
    }
