"""Huey tasks of interop: thin wrappers named after the service they run."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from healthloop.interop.imports.services import run_import_job
from healthloop.interop.monitoring import check_interfaces


@db_task()
def run_import_job_task(job_id: int) -> None:
    run_import_job(job_id)


@db_periodic_task(crontab(minute="*/5"))
def check_interfaces_task() -> dict[str, int]:
    return check_interfaces()
