"""Follow-up statistics over the persons a user may see.

For tasks due in ``[date_from, date_to]`` (cancelled tasks excluded):
- ``completion_rate`` = done / due;
- ``on_time_rate`` = done inside the window (timing on_time) / done; ``timing`` counts early,
  on_time, late (windows.py);
- ``overdue`` = tasks overdue now (any due date), by assignee and by department (the
  person's org unit);
- ``effectiveness`` = of the persons contacted in the period (a record whose outcome reached
  them: agreed to come, continue, end), the share with a re-exam or visit (an Encounter of
  kind exam, outpatient or inpatient — not the follow-up's own) within ``return_days`` after
  their first contact in the period. ``return_days`` defaults to FOLLOWUP_RETURN_DAYS (30).
Rates are fractions rounded to 4 places, None when the denominator is 0.
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Count, Min, Q
from django.utils import timezone

from healthloop.core import clock
from healthloop.core.errors import ServiceError
from healthloop.followup.errors import FollowUpError
from healthloop.followup.models import FollowUpRecord, FollowUpTask
from healthloop.people.access import visible_persons
from healthloop.records.models import Encounter

RETURN_KINDS = (Encounter.Kind.EXAM, Encounter.Kind.OUTPATIENT, Encounter.Kind.INPATIENT)


def default_return_days() -> int:
    return int(getattr(settings, "FOLLOWUP_RETURN_DAYS", 30))


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def followup_stats(
    user: Any,
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    return_days: int | None = None,
    disease: str = "",
) -> dict[str, Any]:
    day = clock.today()
    date_to = date_to or day
    date_from = date_from or date_to - dt.timedelta(days=90)
    days = default_return_days() if return_days is None else return_days
    if date_from > date_to:
        raise ServiceError(FollowUpError.INVALID_FILTER, "开始日期晚于结束日期", field="date_from")
    if not 1 <= days <= 365:
        raise ServiceError(FollowUpError.INVALID_FILTER, "回访天数须为1–365", field="return_days")
    persons = visible_persons(user)
    tasks = FollowUpTask.objects.filter(person__in=persons)
    if disease:
        tasks = tasks.filter(disease=disease)
    due = tasks.filter(due_date__gte=date_from, due_date__lte=date_to).exclude(
        status=FollowUpTask.Status.CANCELLED
    )
    totals = due.aggregate(
        due=Count("pk"),
        done=Count("pk", filter=Q(status=FollowUpTask.Status.DONE)),
        early=Count("pk", filter=Q(status=FollowUpTask.Status.DONE, timing="early")),
        on_time=Count("pk", filter=Q(status=FollowUpTask.Status.DONE, timing="on_time")),
        late=Count("pk", filter=Q(status=FollowUpTask.Status.DONE, timing="late")),
        overdue_open=Count("pk", filter=Q(status=FollowUpTask.Status.OVERDUE)),
    )
    overdue = tasks.filter(status=FollowUpTask.Status.OVERDUE)
    by_staff = [
        {"assignee": row["assignee__username"], "name": row["assignee__display_name"] or "",
         "overdue": row["n"]}
        for row in overdue.values("assignee__username", "assignee__display_name")
        .annotate(n=Count("pk")).order_by("-n", "assignee__username")
    ]  # fmt: skip
    by_department = [
        {"org_unit": str(row["person__org_unit__uuid"]) if row["person__org_unit__uuid"]
         else None, "name": row["person__org_unit__name"] or "", "overdue": row["n"]}
        for row in overdue.values("person__org_unit__uuid", "person__org_unit__name")
        .annotate(n=Count("pk")).order_by("-n", "person__org_unit__name")
    ]  # fmt: skip
    return {
        "date_from": date_from.isoformat(),
        "date_to": date_to.isoformat(),
        "disease": disease or None,
        "tasks_due": totals["due"],
        "tasks_done": totals["done"],
        "completion_rate": _rate(totals["done"], totals["due"]),
        "on_time_rate": _rate(totals["on_time"], totals["done"]),
        "timing": {k: totals[k] for k in ("early", "on_time", "late")},
        "overdue_in_period": totals["overdue_open"],
        "overdue_total": overdue.count(),
        "overdue_by_staff": by_staff,
        "overdue_by_department": by_department,
        "effectiveness": effectiveness(tasks, date_from, date_to, days),
    }


def effectiveness(
    tasks: Any, date_from: dt.date, date_to: dt.date, return_days: int
) -> dict[str, Any]:
    records = FollowUpRecord.objects.filter(
        task__in=tasks.values("pk"), contacted=True,
        contacted_at__gte=_day_start(date_from),
        contacted_at__lt=_day_start(date_to + dt.timedelta(days=1)),
    )  # fmt: skip
    first = dict(
        records.values("person_id").annotate(at=Min("contacted_at")).values_list("person_id", "at")
    )
    returned: set[int] = set()
    if first:
        visits = Encounter.objects.filter(
            person_id__in=list(first), kind__in=RETURN_KINDS,
            occurred_at__gt=min(first.values()),
            occurred_at__lte=max(first.values()) + dt.timedelta(days=return_days),
        ).values_list("person_id", "occurred_at")  # fmt: skip
        for person_id, at in visits:
            contacted = first[person_id]
            if contacted < at <= contacted + dt.timedelta(days=return_days):
                returned.add(person_id)
    return {
        "return_days": return_days,
        "contacted_persons": len(first),
        "returned_persons": len(returned),
        "rate": _rate(len(returned), len(first)),
    }
