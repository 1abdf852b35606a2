"""Access beyond one's scope: time-limited grants and break-the-glass (services and selectors).

- ``grant_access``: an administrator or a department head gives a staff member access to one
  person or to an org unit (with its descendants) until a time, with a reason. A department
  head grants only within their own scope (persons they see, units under their StaffScope).
- ``revoke_grant``: ends a grant early.
- ``break_glass``: a clinical staff member declares an emergency with a reason and may see that
  person for ``BREAK_GLASS_MINUTES``. Allowed at once, flagged as an audit anomaly
  (``break_glass``) and listed for administrators, who review it (``review_break_glass``).

``people.access`` honours active grants and emergencies; every read through them is audited
with purpose "grant" or "break-glass".
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from healthloop.accounts.permissions import STAFF_ROLES, Role
from healthloop.audit.models import AuditAnomaly
from healthloop.audit.services import raise_anomaly, record_event, review_anomaly
from healthloop.core.errors import NotFound, ServiceError
from healthloop.people.access import _own_scope, _within, scoped_org_paths
from healthloop.people.errors import PersonError
from healthloop.people.models import AccessGrant, BreakGlassAccess, OrgUnit, Person

MIN_REASON = 4
PURPOSE_GRANT_ADMIN = "access administration"


def grant_max_days() -> int:
    return int(getattr(settings, "ACCESS_GRANT_MAX_DAYS", 30))


def break_glass_minutes() -> int:
    return int(getattr(settings, "BREAK_GLASS_MINUTES", 60))


def _reason(reason: str) -> str:
    text = (reason or "").strip()
    if len(text) < MIN_REASON:
        raise ServiceError(
            PersonError.REASON_REQUIRED,
            f"a reason of at least {MIN_REASON} characters is required",
            field="reason",
        )
    return text[:300]


def grant_access(
    *,
    actor: Any,
    grantee: Any,
    reason: str,
    valid_until: dt.datetime,
    person_uuid: Any = None,
    org_unit_uuid: Any = None,
    request: Any = None,
) -> AccessGrant:
    text = _reason(reason)
    if (person_uuid is None) == (org_unit_uuid is None):
        raise ServiceError(
            PersonError.GRANT_NO_TARGET, "give exactly one of person and org_unit", field="person"
        )
    if grantee is None or not grantee.is_active or grantee.role not in STAFF_ROLES:
        raise ServiceError(
            PersonError.GRANT_BAD_GRANTEE, "access is granted to active clinical staff only",
            field="grantee",
        )  # fmt: skip
    now = timezone.now()
    if valid_until <= now or valid_until > now + dt.timedelta(days=grant_max_days()):
        raise ServiceError(
            PersonError.GRANT_BAD_PERIOD,
            f"valid_until must be in the future and at most {grant_max_days()} days ahead",
            field="valid_until",
        )
    head = actor.role == Role.DEPT_HEAD
    person = unit = None
    if person_uuid is not None:
        persons = _within(_own_scope(actor)) if head else Person.objects
        person = persons.filter(uuid=person_uuid, merged_into__isnull=True).first()
        if person is None:
            raise NotFound("person")
    else:
        unit = OrgUnit.objects.filter(uuid=org_unit_uuid).first()
        if unit is None:
            raise NotFound("org unit")
        if head and not any(unit.path.startswith(p) for p in scoped_org_paths(actor)):
            raise ServiceError(
                PersonError.GRANT_OUT_OF_SCOPE,
                "a department head grants only within their own departments",
                field="org_unit", status=403,
            )  # fmt: skip
    with transaction.atomic():
        grant = AccessGrant.objects.create(
            grantee=grantee, person=person, org_unit=unit, reason=text, granted_by=actor,
            valid_from=now, valid_until=valid_until,
        )  # fmt: skip
        record_event(
            actor=actor,
            action="access.granted",
            person_uuid=person.uuid if person else None,
            object_type="access_grant",
            object_id=str(grant.uuid),
            purpose=PURPOSE_GRANT_ADMIN,
            request=request,
            detail={
                "grantee": grantee.get_username(),
                "org_unit": str(unit.uuid) if unit else None,
                "valid_until": valid_until.isoformat(),
                "reason": text,
            },
        )
    return grant


def revoke_grant(*, actor: Any, grant_uuid: Any, request: Any = None) -> AccessGrant:
    with transaction.atomic():
        # Locked without joins: PostgreSQL refuses FOR UPDATE on an outer join's nullable side.
        grant = AccessGrant.objects.select_for_update().filter(uuid=grant_uuid).first()
        if grant is None or (actor.role != Role.ADMIN and grant.granted_by_id != actor.pk):
            raise NotFound("access grant")
        if grant.revoked_at is not None:
            raise ServiceError(
                PersonError.GRANT_ALREADY_REVOKED, "grant already revoked", status=409
            )
        grant.revoked_at, grant.revoked_by = timezone.now(), actor
        grant.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
        record_event(
            actor=actor, action="access.revoked", object_type="access_grant",
            object_id=str(grant.uuid), purpose=PURPOSE_GRANT_ADMIN, request=request,
            person_uuid=grant.person.uuid if grant.person_id else None,
        )  # fmt: skip
    return grant


def grants_for(actor: Any) -> QuerySet[AccessGrant]:
    """Administrators see every grant; a department head the grants they gave."""
    grants = AccessGrant.objects.select_related("grantee", "granted_by", "person", "org_unit")
    if actor.role != Role.ADMIN:
        grants = grants.filter(granted_by=actor)
    return grants.order_by("-created_at", "-id")


def break_glass(*, actor: Any, person_uuid: Any, reason: str, request: Any = None):
    """Open an emergency access to one person; returns the ``BreakGlassAccess``."""
    text = _reason(reason)
    person = Person.objects.filter(uuid=person_uuid, merged_into__isnull=True).first()
    if person is None:
        raise NotFound("person")
    if _within(_own_scope(actor)).filter(pk=person.pk).exists():
        raise ServiceError(
            PersonError.BREAK_GLASS_NOT_NEEDED,
            "this person is already in your scope",
            field="person", status=409,
        )  # fmt: skip
    now = timezone.now()
    with transaction.atomic():
        access = BreakGlassAccess.objects.create(
            user=actor, person=person, reason=text, started_at=now,
            expires_at=now + dt.timedelta(minutes=break_glass_minutes()),
        )  # fmt: skip
        record_event(
            actor=actor, action="access.break_glass", person_uuid=person.uuid,
            object_type="break_glass", object_id=str(access.uuid), purpose="break-glass",
            request=request,
            detail={"reason": text, "expires_at": access.expires_at.isoformat(), "flagged": True},
        )  # fmt: skip
        raise_anomaly(
            kind=AuditAnomaly.Kind.BREAK_GLASS,
            actor=actor,
            actor_username=actor.get_username(),
            window_key=f"break_glass:{access.uuid}",
            summary=f"{actor.get_username()}: break-the-glass access to a person — {text}",
            event_count=1, person_count=1, first_event_at=now, last_event_at=access.expires_at,
            detail={"break_glass": str(access.uuid), "person": str(person.uuid)},
        )  # fmt: skip
    return access


def break_glass_list(*, review: str = "", user: Any = None) -> QuerySet[BreakGlassAccess]:
    rows = BreakGlassAccess.objects.select_related("user", "person", "reviewed_by")
    if review:
        rows = rows.filter(review=review)
    if user is not None:
        rows = rows.filter(user=user)
    return rows.order_by("-started_at", "-id")


def review_break_glass(
    *, actor: Any, access_uuid: Any, review: str, note: str, request: Any = None
) -> BreakGlassAccess:
    """An administrator judges an emergency access; closes its anomaly too."""
    if review not in (BreakGlassAccess.Review.JUSTIFIED, BreakGlassAccess.Review.UNJUSTIFIED):
        raise ServiceError(
            PersonError.BAD_REVIEW, "review must be justified or unjustified", field="review"
        )
    if not (note or "").strip():
        raise ServiceError(PersonError.REASON_REQUIRED, "a review note is required", field="note")
    with transaction.atomic():
        access = BreakGlassAccess.objects.select_for_update().filter(uuid=access_uuid).first()
        if access is None:
            raise NotFound("break-the-glass access")
        if access.review != BreakGlassAccess.Review.PENDING:
            raise ServiceError(PersonError.ALREADY_REVIEWED, "already reviewed", status=409)
        access.review, access.review_note = review, note.strip()[:500]
        access.reviewed_by, access.reviewed_at = actor, timezone.now()
        access.save(update_fields=["review", "review_note", "reviewed_by", "reviewed_at",
                                   "updated_at"])  # fmt: skip
        anomaly = AuditAnomaly.objects.filter(
            kind=AuditAnomaly.Kind.BREAK_GLASS, window_key=f"break_glass:{access.uuid}",
            status=AuditAnomaly.Status.OPEN,
        ).first()  # fmt: skip
        if anomaly is not None:
            status = (
                AuditAnomaly.Status.DISMISSED
                if review == BreakGlassAccess.Review.JUSTIFIED
                else AuditAnomaly.Status.CONFIRMED
            )
            review_anomaly(anomaly=anomaly, actor=actor, status=status, note=note, request=request)
        record_event(
            actor=actor, action="access.break_glass_reviewed", person_uuid=access.person.uuid,
            object_type="break_glass", object_id=str(access.uuid), request=request,
            detail={"review": review},
        )  # fmt: skip
    return access
