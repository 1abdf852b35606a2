"""The portal's reads, each for one already-accessed person (``portal.access.my_person``)."""

from typing import Any

from healthloop import clinical
from healthloop.accounts.permissions import ROLE_LABELS, STAFF_ROLES, Role
from healthloop.alerts.models import Alert
from healthloop.assessment.models import Disease, QuestionnaireResponse
from healthloop.assessment.report import person_report
from healthloop.assessment.selectors import person_risk_levels
from healthloop.audit.models import AuditEvent
from healthloop.audit.selectors import person_access_events
from healthloop.core.errors import NotFound
from healthloop.followup.models import FollowUpTask, Method, Outcome
from healthloop.followup.selectors import person_followups
from healthloop.notify.models import Notification
from healthloop.notify.selectors import person_inbox
from healthloop.people.models import Person, StaffScope
from healthloop.portal.instruments import Instrument, instruments
from healthloop.portal.models import QuestionnaireDraft

# What an employee is told a staff member did with their record (everything else: "查看").
ACTION_KINDS = {
    "person.viewed": "viewed",
    "person.listed": "listed",
    "record.viewed": "viewed",
    "person.updated": "changed",
    "person.merged": "changed",
}


def my_risk(person: Person) -> dict[str, Any]:
    """Current four-colour levels per disease and the current model results."""
    diseases = dict(Disease.choices)
    report = person_report(person)
    levels = [
        {"disease": r.disease, "disease_label": diseases.get(r.disease, r.disease),
         "colour": r.colour, "label": r.label, "basis": r.basis,
         "updated_at": r.updated_at}
        for r in person_risk_levels(person)
    ]  # fmt: skip
    models = [
        {key: m[key] for key in ("model", "title", "value", "unit", "category", "label",
                                 "colour", "basis", "assessed_at")}
        for m in report.get("models", []) if m["status"] == "complete"
    ]  # fmt: skip
    return {"as_of": report["as_of"], "levels": levels, "models": models}


def _calculator_inputs(code: str, answers: Any, sex: str) -> dict[str, Any]:
    if code == "psqi":
        return dict(answers)
    if code == "tcm_constitution":
        return {"answers": answers, "sex": sex}
    return {"answers": answers}


def response_result(response: QuestionnaireResponse, person: Person) -> dict[str, Any]:
    """The scored result of a stored response (the calculator is pure; same answers, same
    result as the screening engine's)."""
    try:
        result = clinical.calculate(
            response.instrument,
            _calculator_inputs(response.instrument, response.answers, person.sex),
        )
    except clinical.ClinicalInputError:
        return {"value": None, "category": None, "label": "", "colour": None, "details": {}}
    details = dict(result.details)
    return {
        "value": result.value, "category": result.category, "label": result.label,
        "colour": result.color,
        "self_harm_alert": bool(details.get("self_harm_alert", False)),
    }  # fmt: skip


def my_response(person: Person, response_uuid: Any) -> QuestionnaireResponse:
    response = QuestionnaireResponse.objects.filter(person=person, uuid=response_uuid).first()
    if response is None:
        raise NotFound("questionnaire response")
    return response


def my_questionnaires(person: Person) -> list[dict[str, Any]]:
    """Each questionnaire with my draft (if any) and my latest submitted result."""
    drafts = {d.instrument: d for d in QuestionnaireDraft.objects.filter(person=person)}
    latest: dict[str, QuestionnaireResponse] = {}
    for response in QuestionnaireResponse.objects.filter(
        person=person, instrument__in=list(instruments())
    ).order_by("answered_at", "id"):
        latest[response.instrument] = response
    rows = []
    for code, instrument in instruments().items():
        draft, last = drafts.get(code), latest.get(code)
        rows.append({
            "code": code, "title": instrument.raw["title"],
            "minutes": instrument.raw.get("minutes"),
            "item_count": len(instrument.items_for(person.sex)),
            "draft": {"answered": len(draft.answers), "page": draft.page,
                      "updated_at": draft.updated_at} if draft else None,
            "last": {"uuid": last.uuid, "answered_at": last.answered_at,
                     **response_result(last, person)} if last else None,
        })  # fmt: skip
    return rows


def my_questionnaire(person: Person, instrument: Instrument) -> dict[str, Any]:
    draft = QuestionnaireDraft.objects.filter(person=person, instrument=instrument.code).first()
    return {
        **instrument.definition(person.sex),
        "draft": {"answers": draft.answers, "page": draft.page, "updated_at": draft.updated_at}
        if draft else None,
    }  # fmt: skip


def _departments(actor_ids: set[int]) -> dict[int, str]:
    names: dict[int, list[str]] = {}
    scopes = StaffScope.objects.filter(staff_id__in=actor_ids).select_related("org_unit")
    for scope in scopes.order_by("org_unit__path"):
        names.setdefault(scope.staff_id, []).append(scope.org_unit.name)
    return {actor: "、".join(units) for actor, units in names.items()}


def my_access_log(person: Person, events: list[AuditEvent]) -> list[dict[str, Any]]:
    """A page of access events shown as role and department only: never a name."""
    departments = _departments({e.actor_id for e in events if e.actor_id})
    rows = []
    for event in events:
        role = event.actor_role
        label = ROLE_LABELS.get(Role(role), role) if role in Role.__members__.values() else role
        rows.append({
            "id": event.pk, "occurred_at": event.occurred_at, "role": role,
            "role_label": label,
            # The department recorded with the event (accounts.User.department) when the audit
            # trail has it, else the org units the staff member looks after.
            "department": getattr(event, "actor_department", "")
            or departments.get(event.actor_id or 0, ""),
            "kind": ACTION_KINDS.get(event.action, "viewed"),
            "purpose": event.purpose,
        })  # fmt: skip
    return rows


def access_events_of(person: Person):
    """Staff access to my record (my own account's events and system work left out)."""
    return person_access_events(person.uuid, exclude_actor_id=person.user_id).filter(
        actor_role__in=[r.value for r in STAFF_ROLES] + [Role.ADMIN.value]
    )


# Messages that are not for the inbox: verification codes live only in the SMS.
_NOT_INBOX_REFS = ("portal.bindcode:",)


def my_messages(person: Person):
    inbox = person_inbox(person)
    for prefix in _NOT_INBOX_REFS:
        inbox = inbox.exclude(ref__startswith=prefix)
    return inbox


def my_message(person: Person, message_uuid: Any) -> Notification:
    message = my_messages(person).filter(uuid=message_uuid).first()
    if message is None:
        raise NotFound("message")
    return message


# A person sees an alert once a doctor has confirmed it (never a draft or a dismissed one).
PERSON_VISIBLE_ALERT_STATES = (
    Alert.State.CONFIRMED, Alert.State.EDITED, Alert.State.NOTIFIED, Alert.State.READ,
    Alert.State.CLOSED,
)  # fmt: skip
ALERT_REF = "alerts.alert:"


def my_alerts(person: Person):
    return Alert.objects.filter(person=person, state__in=PERSON_VISIBLE_ALERT_STATES).order_by(
        "-reviewed_at", "-id"
    )


def my_alert(person: Person, alert_uuid: Any) -> Alert:
    alert = my_alerts(person).select_related("responsible").filter(uuid=alert_uuid).first()
    if alert is None:
        raise NotFound("alert")
    return alert


def alert_uuid_of(message: Notification) -> str | None:
    """The alert a message is about (alerts writes refs ``alerts.alert:<uuid>``)."""
    return message.ref[len(ALERT_REF) :] if message.ref.startswith(ALERT_REF) else None


def my_followups(person: Person) -> dict[str, Any]:
    """My follow-up plans, upcoming contacts and the last done ones, with labels.

    Built on ``followup.selectors.person_followups``, which already leaves out the staff-only
    detail (talking points, notes, the assignee)."""
    data = person_followups(person)
    diseases = dict(Disease.choices)
    methods = dict(Method.choices)
    statuses = dict(FollowUpTask.Status.choices)
    outcomes = dict(Outcome.choices)

    def label(row: dict[str, Any]) -> dict[str, Any]:
        row = dict(row)
        row["disease_label"] = diseases.get(row["disease"], row["disease"])
        if "method" in row:
            row["method_label"] = methods.get(row["method"], row["method"])
        if "status" in row:
            row["status_label"] = statuses.get(row["status"], row["status"])
        if "outcome" in row:
            row["outcome_label"] = outcomes.get(row["outcome"], row["outcome"])
        return row

    return {
        "plans": [label(p) for p in data["plans"]],
        "upcoming": [label(t) for t in data["upcoming"]],
        "past": [label(t) for t in data["recent"]],
    }
