"""Log-in protection: lock-out after repeated failures (per account and per client address),
TOTP two-factor for staff (django-otp), and the unusual log-in check.

Settings (``LOGIN_LOCKOUT``): ``user_failures`` (default 5) or ``ip_failures`` (20) failures
within ``window_minutes`` (15) lock that account name or that address for ``lock_minutes`` (15).
Unknown user names are counted like real ones, so the lock-out does not reveal which exist.
An administrator unlocks early (``unlock``); a successful log-in clears the account's count.

``OTP_REQUIRED_FOR_STAFF``: when on, staff (every role but employee) must have a confirmed TOTP
device and verify it at log-in; until they enrol, only the enrolment endpoints answer them.
"""

import datetime as dt
import ipaddress
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from healthloop.accounts.models import LoginThrottle
from healthloop.accounts.permissions import Role
from healthloop.audit.anomalies import is_off_hours
from healthloop.audit.models import AuditAnomaly, AuditEvent
from healthloop.audit.services import raise_anomaly, record_event
from healthloop.core.errors import ServiceError

DEFAULTS = {"user_failures": 5, "ip_failures": 20, "window_minutes": 15, "lock_minutes": 15}
UNUSUAL_LOGIN_HISTORY = 3  # successful log-ins needed before a new address range is unusual


def lockout_settings() -> dict[str, int]:
    return {**DEFAULTS, **getattr(settings, "LOGIN_LOCKOUT", {})}


def throttle_keys(username: str, ip: str | None) -> list[str]:
    keys = [f"user:{username.strip().lower()[:150]}"]
    if ip:
        keys.append(f"ip:{ip}")
    return keys


def locked_keys(keys: list[str], now: dt.datetime | None = None) -> list[str]:
    now = now or timezone.now()
    return list(
        LoginThrottle.objects.filter(key__in=keys, locked_until__gt=now).values_list(
            "key", flat=True
        )
    )


def ensure_not_locked(username: str, ip: str | None, request: Any = None) -> None:
    locked = locked_keys(throttle_keys(username, ip))
    if locked:
        record_event(actor=None, action="login.refused_locked", request=request,
                     detail={"username": username, "locked": sorted(locked)})  # fmt: skip
        raise ServiceError(
            "login_locked", "登录失败次数过多，账户或地址已暂时锁定，请稍后再试", status=429
        )


def _locked_row(key: str, now: dt.datetime) -> LoginThrottle:
    row = LoginThrottle.objects.select_for_update().filter(key=key).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            LoginThrottle.objects.create(key=key, window_started_at=now)
    except IntegrityError:
        pass  # created concurrently
    return LoginThrottle.objects.select_for_update().get(key=key)


def register_failure(username: str, ip: str | None) -> list[str]:
    """Count a failure for the account name and the address; returns the keys now locked."""
    conf, now = lockout_settings(), timezone.now()
    window = dt.timedelta(minutes=conf["window_minutes"])
    newly_locked = []
    with transaction.atomic():
        for key in throttle_keys(username, ip):
            row = _locked_row(key, now)
            if row.window_started_at <= now - window:
                row.failures, row.window_started_at = 0, now
            row.failures += 1
            row.last_failure_at = now
            limit = conf["user_failures"] if key.startswith("user:") else conf["ip_failures"]
            if row.failures >= limit and not (row.locked_until and row.locked_until > now):
                row.locked_until = now + dt.timedelta(minutes=conf["lock_minutes"])
                newly_locked.append(key)
            row.save()
    if newly_locked:
        record_event(actor=None, action="login.locked",
                     detail={"keys": newly_locked, "username": username})  # fmt: skip
    return newly_locked


def register_success(username: str) -> None:
    LoginThrottle.objects.filter(key=throttle_keys(username, None)[0]).delete()


def unlock(*, actor: Any, key: str, request: Any = None) -> int:
    with transaction.atomic():
        count = LoginThrottle.objects.filter(key=key).delete()[0]
        if count:
            record_event(actor=actor, action="login.unlocked", object_type="login_throttle",
                         object_id=key[:64], request=request)  # fmt: skip
    return count


def otp_required_for(user: Any) -> bool:
    return bool(getattr(settings, "OTP_REQUIRED_FOR_STAFF", False)) and user.role != Role.EMPLOYEE


def confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def verify_totp(user: Any, token: str) -> TOTPDevice | None:
    device = confirmed_device(user)
    if device is not None and token and device.verify_token(token.strip()):
        return device
    return None


def start_enrolment(*, user: Any, request: Any = None) -> TOTPDevice:
    """A new unconfirmed TOTP device (replacing an unconfirmed one); confirmed devices stay
    until the new one is confirmed."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
        record_event(actor=user, action="otp.enrolment_started", request=request)
    return device


def confirm_enrolment(*, user: Any, token: str, request: Any = None) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        raise ServiceError("otp_no_enrolment", "请先开始绑定验证器", status=409)
    if not token or not device.verify_token(token.strip()):
        raise ServiceError("invalid_otp", "验证码错误", field="token")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        record_event(actor=user, action="otp.enrolled", request=request)
    return device


def _network(ip: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return None
    prefix = 24 if address.version == 4 else 64
    return ipaddress.ip_network(f"{address}/{prefix}", strict=False)


def check_unusual_login(*, user: Any, event: AuditEvent) -> AuditAnomaly | None:
    """A log-in from an address range this user never logged in from (after a few log-ins),
    or a staff log-in outside working hours, raises an ``unusual_login`` anomaly."""
    reasons = []
    previous = list(
        AuditEvent.objects.filter(actor=user, action="login.succeeded")
        .exclude(pk=event.pk)
        .order_by("-id")
        .values_list("client_ip", flat=True)[:100]
    )
    current = _network(event.client_ip) if event.client_ip else None
    if current is not None and len(previous) >= UNUSUAL_LOGIN_HISTORY:
        known = {_network(ip) for ip in previous if ip}
        if current not in known:
            reasons.append("new_address_range")
    if user.role != Role.EMPLOYEE and is_off_hours(event.occurred_at):
        reasons.append("unusual_hour")
    if not reasons:
        return None
    anomaly, _ = raise_anomaly(
        kind=AuditAnomaly.Kind.UNUSUAL_LOGIN,
        actor=user,
        actor_username=user.get_username(),
        window_key=f"login:{event.pk}",
        summary=f"{user.get_username()}: unusual log-in ({', '.join(reasons)}) "
        f"from {event.client_ip or 'unknown address'}",
        event_count=1,
        first_event_at=event.occurred_at,
        last_event_at=event.occurred_at,
        detail={"reasons": reasons, "ip": event.client_ip},
    )
    return anomaly
