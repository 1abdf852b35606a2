"""Reads of the health record, always for a person already obtained through people.access."""

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from healthloop.people.models import Person
from healthloop.records.models import Encounter, ExamItem, Observation


def person_timeline(person: Person, *, since: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Every encounter with its observations, newest first (two queries)."""
    encounters = Encounter.objects.filter(person=person).order_by("-occurred_at", "-id")
    if since is not None:
        encounters = encounters.filter(occurred_at__gte=since)
    encounters = list(encounters)
    observations = (
        Observation.objects.filter(person=person, encounter__in=[e.pk for e in encounters])
        .exclude(status=Observation.Status.CANCELLED)
        .select_related("item")
        .order_by("item__category", "item__code", "id")
    )
    by_encounter: dict[int, list[Observation]] = {}
    for obs in observations:
        by_encounter.setdefault(obs.encounter_id, []).append(obs)
    return [{"encounter": e, "observations": by_encounter.get(e.pk, [])} for e in encounters]


def item_history(person: Person, item: ExamItem) -> QuerySet[Observation]:
    """One item's values for one person in time order (for a trend chart)."""
    return (
        Observation.objects.filter(person=person, item=item)
        .exclude(status=Observation.Status.CANCELLED)
        .order_by("effective_at", "id")
    )


def catalog_items(*, category: str = "") -> QuerySet[ExamItem]:
    items = ExamItem.objects.filter(active=True).prefetch_related("ranges")
    return items.filter(category=category) if category else items
