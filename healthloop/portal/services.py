"""The portal's writers: binding an employee account by SMS code, questionnaire drafts and
submissions. Everything a person changes here is their own data; the views pass the person
that ``portal.access.my_person`` returned."""

import datetime as dt
import secrets
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from healthloop.accounts.models import User
from healthloop.accounts.permissions import Role
from healthloop.alerts.models import Alert
from healthloop.assessment.models import QuestionnaireResponse
from healthloop.assessment.services import record_questionnaire_response
from healthloop.audit.services import record_event
from healthloop.core.crypto import blind_index
from healthloop.core.errors import ServiceError
from healthloop.notify.services import enqueue
from healthloop.people.identity import IdentityError, normalize_mobile, parse_resident_id
from healthloop.people.models import Person
from healthloop.portal import conf, sms
from healthloop.portal.errors import PortalError
from healthloop.portal.instruments import AnswerError, Instrument
from healthloop.portal.models import BindCode, QuestionnaireDraft


def _identity(name: str, id_number: str, phone: str) -> tuple[str, str, str]:
    """(name, id hash, phone hash) of the bind form; a 400 naming the field when invalid."""
    name = (name or "").strip()
    if not name:
        raise ServiceError(PortalError.INVALID_IDENTITY, "请填写姓名", field="name")
    try:
        resident = parse_resident_id(id_number or "")
        mobile = normalize_mobile(phone or "")
    except IdentityError as exc:
        raise ServiceError(PortalError.INVALID_IDENTITY, exc.message, field=exc.field) from exc
    return name, blind_index(resident.number), blind_index(mobile)


def _code_hash(salt: str, code: str) -> str:
    return blind_index(f"portal.bindcode:{salt}:{code}")


def _check_rate(phone_hash: str, ip: str | None, now: dt.datetime) -> None:
    hour_ago = now - dt.timedelta(hours=1)
    latest = BindCode.objects.filter(phone_hash=phone_hash).order_by("-created_at").first()
    gap = conf.get("PORTAL_CODE_RESEND_SECONDS")
    if latest is not None and (now - latest.created_at).total_seconds() < gap:
        wait = gap - int((now - latest.created_at).total_seconds())
        raise ServiceError(
            PortalError.CODE_TOO_SOON, f"验证码已发送，请{wait}秒后再试", field="phone", status=429
        )
    per_phone = BindCode.objects.filter(phone_hash=phone_hash, created_at__gte=hour_ago).count()
    per_ip = BindCode.objects.filter(client_ip=ip, created_at__gte=hour_ago).count() if ip else 0
    if per_phone >= conf.get("PORTAL_CODES_PER_PHONE_HOUR") or per_ip >= conf.get(
        "PORTAL_CODES_PER_IP_HOUR"
    ):
        raise ServiceError(
            PortalError.CODE_RATE_LIMITED, "获取验证码过于频繁，请一小时后再试", status=429
        )


def _roster_person(name: str, id_hash: str, phone_hash: str) -> Person | None:
    """The company roster entry with this ID number, name and phone (all three must agree).
    Binding happens before there is a user, so there is no access door to go through yet;
    the caller audits the match."""
    return Person.objects.filter(
        id_number_hash=id_hash, phone_hash=phone_hash, name=name, merged_into__isnull=True
    ).first()


def request_bind_code(
    *, name: str, id_number: str, phone: str, request: Any = None
) -> dict[str, int]:
    """Send a 6-digit code to the phone of the roster person matching name + ID number +
    phone. The answer is the same whether or not anyone matched (the roster does not leak);
    only a matching, unbound person's phone gets a code. Rate-limited per phone and client."""
    name, id_hash, phone_hash = _identity(name, id_number, phone)
    now = timezone.now()
    ip = sms.client_ip(request)
    ttl = conf.get("PORTAL_CODE_TTL_SECONDS")
    with transaction.atomic():
        _check_rate(phone_hash, ip, now)
        person = _roster_person(name, id_hash, phone_hash)
        # Only the newest code of a phone is ever valid.
        BindCode.objects.filter(phone_hash=phone_hash, consumed_at__isnull=True).update(
            expires_at=now
        )
        code = f"{secrets.randbelow(10**6):06d}"
        salt = secrets.token_hex(8)
        row = BindCode.objects.create(
            phone_hash=phone_hash, id_number_hash=id_hash, person=person, salt=salt,
            code_hash=_code_hash(salt, code), created_at=now,
            expires_at=now + dt.timedelta(seconds=ttl), client_ip=ip,
        )  # fmt: skip
        if person is not None and person.user_id is None:
            sms.send_bind_code(person=person, code=code, ttl_minutes=ttl // 60, row_id=row.pk)
        elif person is not None:
            sms.send_already_bound(person=person, username=person.user.username, row_id=row.pk)
        record_event(
            actor=None, action="portal.bind_code_requested",
            person_uuid=person.uuid if person else None, object_type="portal.bindcode",
            object_id=str(row.pk), request=request, detail={"matched": person is not None},
        )  # fmt: skip
    return {"expires_in": ttl, "resend_after": conf.get("PORTAL_CODE_RESEND_SECONDS")}


def _code_problem(row: BindCode | None, code: str, id_hash: str, name: str, now: dt.datetime):
    if row is None:
        return ServiceError(PortalError.CODE_INVALID, "验证码错误，请重新获取", field="code")
    if row.attempts >= conf.get("PORTAL_CODE_MAX_ATTEMPTS"):
        return ServiceError(PortalError.CODE_LOCKED, "验证码错误次数过多，请重新获取", field="code")
    if row.expires_at <= now:
        return ServiceError(PortalError.CODE_EXPIRED, "验证码已过期，请重新获取", field="code")
    matches = secrets.compare_digest(row.code_hash, _code_hash(row.salt, (code or "").strip()))
    if (
        not matches
        or row.person is None
        or row.id_number_hash != id_hash
        or row.person.name != name
    ):
        left = conf.get("PORTAL_CODE_MAX_ATTEMPTS") - row.attempts - 1
        return ServiceError(
            PortalError.CODE_INVALID, f"验证码错误，还可尝试{max(left, 0)}次", field="code"
        )
    if row.person.user_id is not None or row.person.merged_into_id is not None:
        return ServiceError(PortalError.ALREADY_BOUND, "该人员已绑定账号，请直接登录", field="code")
    return None


def _new_username(person: Person) -> str:
    if person.employee_no and not User.objects.filter(username=person.employee_no).exists():
        return person.employee_no
    while True:
        candidate = f"hl{secrets.randbelow(10**8):08d}"
        if not User.objects.filter(username=candidate).exists():
            return candidate


def bind_account(
    *, name: str, id_number: str, phone: str, code: str, password: str, request: Any = None
) -> User:
    """Check the SMS code and create the employee account linked to the roster person. The
    log-in name is the employee number (or a generated one when taken or absent). A wrong code
    counts against the code's attempts even though the request fails."""
    name, id_hash, phone_hash = _identity(name, id_number, phone)
    try:
        validate_password(password or "")
    except ValidationError as exc:
        raise ServiceError(
            PortalError.INVALID_IDENTITY, exc.messages[0], field="password"
        ) from None
    now = timezone.now()
    with transaction.atomic():
        row = (
            # No select_related: PostgreSQL cannot lock the nullable side of an outer join.
            BindCode.objects.select_for_update()
            .filter(phone_hash=phone_hash, consumed_at__isnull=True)
            .order_by("-created_at", "-id")
            .first()
        )
        problem = _code_problem(row, code, id_hash, name, now)
        if problem is None and row is not None:
            person = Person.objects.select_for_update().get(pk=row.person_id)
            user = User.objects.create_user(
                username=_new_username(person), password=password, role=Role.EMPLOYEE,
                display_name=person.name,
            )  # fmt: skip
            person.user = user
            person.save(update_fields=["user", "updated_at"])
            row.consumed_at = now
            row.save(update_fields=["consumed_at"])
            record_event(
                actor=user, action="portal.account_bound", person_uuid=person.uuid,
                object_type="accounts.user", object_id=str(user.pk), request=request,
            )  # fmt: skip
        elif row is not None and problem.code == PortalError.CODE_INVALID:
            row.attempts += 1
            row.save(update_fields=["attempts"])
    if problem is not None:
        raise problem  # after the commit: the attempt is counted
    return user


def _clean_draft(instrument: Instrument, person: Person, answers: Any) -> dict[str, Any]:
    try:
        return instrument.clean_draft(answers, person.sex)
    except AnswerError as exc:
        raise ServiceError(PortalError.INVALID_ANSWER, exc.message, field=exc.item) from None


def save_questionnaire_draft(
    *, person: Person, instrument: Instrument, answers: Any, page: int, actor: Any
) -> QuestionnaireDraft:
    """Keep the answers given so far (any subset, each valid) and the page reached."""
    cleaned = _clean_draft(instrument, person, answers)
    page = max(0, min(int(page), len(instrument.pages_for(person.sex)) - 1))
    with transaction.atomic():
        draft, _ = QuestionnaireDraft.objects.select_for_update().get_or_create(
            person=person, instrument=instrument.code
        )
        draft.answers, draft.page = cleaned, page
        draft.save(update_fields=["answers", "page", "updated_at"])
        record_event(
            actor=actor, action="questionnaire.draft_saved", person_uuid=person.uuid,
            object_type="portal.questionnairedraft", object_id=str(draft.pk),
            detail={"instrument": instrument.code, "answered": len(cleaned)},
        )  # fmt: skip
    return draft


def submit_questionnaire(
    *, person: Person, instrument: Instrument, answers: Any, actor: Any
) -> QuestionnaireResponse:
    """Check every required item, store the response through assessment (which queues the
    person for screening, so PHQ-9 item 9 > 0 becomes a finding) and drop the draft."""
    if instrument.code == "tcm_constitution" and person.sex not in ("male", "female"):
        raise ServiceError(
            PortalError.INVALID_ANSWER, "档案中性别未知，无法进行体质辨识，请联系健康管理中心"
        )
    try:
        complete = instrument.calculator_answers(answers, person.sex)
    except AnswerError as exc:
        code = PortalError.ANSWER_REQUIRED if exc.missing else PortalError.INVALID_ANSWER
        raise ServiceError(code, exc.message, field=exc.item) from None
    with transaction.atomic():
        response = record_questionnaire_response(
            person=person, instrument=instrument.code, answers=complete, actor=actor,
            source="portal",
        )  # fmt: skip
        QuestionnaireDraft.objects.filter(person=person, instrument=instrument.code).delete()
    return response


QUESTION_MAX_CHARS = 500


def ask_about_alert(*, person: Person, alert: Alert, question: str, actor: Any) -> None:
    """Send the person's question about a confirmed alert to the doctor responsible for it, as
    an in-app message in the workbench inbox. Precondition: ``alert`` is one of the person's
    confirmed alerts (``selectors.my_alert``)."""
    text = (question or "").strip()
    if not text:
        raise ServiceError(PortalError.INVALID_QUESTION, "请填写您的问题", field="question")
    if len(text) > QUESTION_MAX_CHARS:
        raise ServiceError(
            PortalError.INVALID_QUESTION, f"问题请不超过{QUESTION_MAX_CHARS}字", field="question"
        )
    doctor = alert.responsible
    if doctor is None or not doctor.is_active:
        raise ServiceError(
            PortalError.NO_DOCTOR, "暂无负责医生，请致电健康管理中心咨询", status=409
        )
    with transaction.atomic():
        asked = secrets.token_hex(8)
        enqueue(
            recipient_user=doctor,
            template="message",
            context={"title": f"职工提问：{alert.title}", "body": f"{person.name}：{text}"},
            ref=f"portal.question:{alert.uuid}",
            idempotency_key=f"portal.question:{alert.uuid}:{asked}",
            channels=["inapp"],
        )
        record_event(
            actor=actor, action="alert.question_asked", person_uuid=person.uuid,
            object_type="alerts.alert", object_id=str(alert.uuid), detail={"to": doctor.pk},
        )  # fmt: skip
