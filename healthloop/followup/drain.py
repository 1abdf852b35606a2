"""Plans from registers: drain assessment's RegisterEvent history with a watermark.

assessment (below us) appends a RegisterEvent for every inclusion and exclusion; it knows
nothing of follow-up. This drain reads the events after ``DrainWatermark("register_events")``
in id order, in batches, each batch in one transaction together with the watermark move, so a
crash repeats at most the unfinished batch and nothing is skipped or done twice:

- ``included`` → a plan (source "register") unless the person already has an active plan for
  the disease (idempotent: the same event twice, or a re-inclusion, never makes a second plan);
- ``excluded`` → the active plan that the register made is ended ("移出台账"); hand-made plans
  stay (a clinician decided those).

Diseases without an active template are skipped (no plan). A watermark on ids can miss an
event whose transaction committed after a later id was read; ``reconcile_register_plans``
(periodic, hourly) closes that gap: included entries with no plan at all get one.
"""

import logging

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef

from healthloop.assessment.models import RegisterEntry, RegisterEvent
from healthloop.core.errors import ServiceError
from healthloop.followup.models import DrainWatermark, FollowUpPlan, FollowUpTemplate
from healthloop.followup.services import create_plan, end_plan
from healthloop.followup.template_loader import load_templates

log = logging.getLogger(__name__)
WATERMARK = "register_events"
DRAIN_NAME = "followup.registers"
EXCLUDED_REASON = "移出台账（自动）"


def _ensure_templates() -> set[str]:
    if not FollowUpTemplate.objects.exists():
        try:
            load_templates(actor=None)
        except IntegrityError:
            # Two workers found the table empty at once (an empty table has no row to lock)
            # and the other one loaded the defaults first: use them.
            log.info("follow-up templates were loaded by a concurrent drain")
    return set(FollowUpTemplate.objects.filter(active=True).values_list("disease", flat=True))


def _apply_event(event: RegisterEvent, diseases: set[str]) -> str:
    entry = event.entry
    if entry.disease not in diseases:
        return "skipped"
    active = FollowUpPlan.objects.filter(
        person_id=entry.person_id, disease=entry.disease, status=FollowUpPlan.Status.ACTIVE
    ).first()
    if event.status == RegisterEntry.Status.INCLUDED:
        if active is not None:
            return "unchanged"
        try:
            with transaction.atomic():
                create_plan(
                    person=entry.person, disease=entry.disease, actor=None,
                    source=FollowUpPlan.Source.REGISTER, level=entry.level,
                    register_event_id=event.pk, note=event.reason,
                )  # fmt: skip
        except ServiceError as exc:  # e.g. a concurrent creation won: nothing to do
            log.info("no plan for register event %s: %s", event.pk, exc.message)
            return "unchanged"
        return "created"
    if active is not None and active.source == FollowUpPlan.Source.REGISTER:
        end_plan(plan=active, reason=EXCLUDED_REASON, actor=None)
        return "ended"
    return "unchanged"


def drain_register_events(batch_size: int = 500) -> dict[str, int]:
    """Consume every register event after the watermark (module docstring)."""
    counts = {"events": 0, "created": 0, "ended": 0, "skipped": 0, "unchanged": 0}
    diseases = _ensure_templates()
    DrainWatermark.objects.get_or_create(name=WATERMARK)
    while True:
        with transaction.atomic():
            mark = DrainWatermark.objects.select_for_update().get(name=WATERMARK)
            events = list(
                RegisterEvent.objects.filter(pk__gt=mark.last_id)
                .select_related("entry", "entry__person")
                .order_by("pk")[:batch_size]
            )
            if not events:
                return counts
            for event in events:
                counts[_apply_event(event, diseases)] += 1
            counts["events"] += len(events)
            mark.last_id = events[-1].pk
            mark.save(update_fields=["last_id", "updated_at"])


def reconcile_register_plans(limit: int = 2000) -> int:
    """Included register entries (of diseases with templates) whose person has never had a
    plan for the disease get one: the safety net for events the watermark stepped over."""
    diseases = _ensure_templates()
    plans = FollowUpPlan.objects.filter(person=OuterRef("person"), disease=OuterRef("disease"))
    missing = (
        RegisterEntry.objects.filter(status=RegisterEntry.Status.INCLUDED, disease__in=diseases)
        .filter(~Exists(plans))
        .select_related("person")
        .order_by("pk")[:limit]
    )
    created = 0
    for entry in missing:
        try:
            with transaction.atomic():
                create_plan(
                    person=entry.person, disease=entry.disease, actor=None,
                    source=FollowUpPlan.Source.REGISTER, level=entry.level, note=entry.reason,
                )  # fmt: skip
            created += 1
        except ServiceError as exc:
            log.info("reconcile: no plan for entry %s: %s", entry.pk, exc.message)
    return created
