"""Log-in protection end to end over HTTP: password policy, lock-out per account and per
address with unlock and timeout, TOTP two-factor (enrol, confirm, required for staff), idle
session timeout, unusual log-in anomalies, security headers and ``check --deploy``."""

import datetime as dt
import os
import secrets
import subprocess
import sys
import time
import urllib.parse

import pyotp
import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from healthloop.accounts.middleware import ACTIVITY_KEY
from healthloop.accounts.models import LoginThrottle
from healthloop.audit.models import AuditAnomaly, AuditEvent
from healthloop.core.testing import ROOT

PASSWORD = "pw-Test-2026!"
LOGIN = "/api/v1/accounts/login/"
ALL_DAY = {"work_start_hour": 0, "work_end_hour": 24}


def _login(client, username, password=PASSWORD, ip="10.0.0.5", **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra},
                       format="json", REMOTE_ADDR=ip)  # fmt: skip


@pytest.mark.parametrize(
    ("password", "ok"),
    [("Short-1a", False), ("alllowercase2026", False), ("Health-Loop-2026", True),
     ("12345678901234", False), ("Aa1!", False)],
)  # fmt: skip
@pytest.mark.django_db
def test_the_password_policy_wants_length_and_three_character_classes(password, ok):
    if ok:
        validate_password(password)
    else:
        with pytest.raises(ValidationError):
            validate_password(password)


@pytest.mark.django_db
def test_an_account_locks_after_repeated_failures_and_an_administrator_unlocks_it(
    settings, make_user, api
):
    settings.LOGIN_LOCKOUT = {"user_failures": 3, "ip_failures": 100, "window_minutes": 15,
                              "lock_minutes": 15}  # fmt: skip
    make_user("doc", "doctor")
    client = APIClient()
    # given three wrong passwords
    for _ in range(3):
        assert _login(client, "doc", "wrong").json()["code"] == "invalid_credentials"
    # then even the right password is refused while locked, from any address
    locked = _login(client, "doc", ip="10.9.9.9")
    assert (locked.status_code, locked.json()["code"]) == (429, "login_locked")
    assert LoginThrottle.objects.get(key="user:doc").locked_until > timezone.now()
    assert AuditEvent.objects.filter(action="login.locked").exists()
    # and an administrator sees and lifts the lock
    admin = api(make_user("root", "admin"))
    assert [r["key"] for r in admin.get("/api/v1/accounts/lockouts/").json()] == ["user:doc"]
    assert admin.post("/api/v1/accounts/lockouts/unlock/", {"key": "user:doc"},
                      format="json").status_code == 204  # fmt: skip
    assert _login(client, "doc").status_code == 200
    assert AuditEvent.objects.filter(action="login.unlocked").count() == 1


@pytest.mark.django_db
def test_an_address_locks_after_failures_across_account_names_until_the_timeout(
    settings, make_user
):
    settings.LOGIN_LOCKOUT = {"user_failures": 100, "ip_failures": 4, "window_minutes": 15,
                              "lock_minutes": 15}  # fmt: skip
    make_user("nurse", "nurse")
    client = APIClient()
    for name in ("a", "b", "c", "d"):  # names that do not even exist count too
        assert _login(client, name, "x", ip="203.0.113.7").status_code == 400
    assert _login(client, "nurse", ip="203.0.113.7").status_code == 429
    assert _login(client, "nurse", ip="203.0.113.8").status_code == 200
    # when the lock time has passed
    LoginThrottle.objects.update(locked_until=timezone.now() - dt.timedelta(seconds=1))
    assert _login(APIClient(), "nurse", ip="203.0.113.7").status_code == 200


@pytest.mark.django_db
def test_totp_enrolment_and_verification_for_staff_end_to_end(settings, make_user):
    settings.OTP_REQUIRED_FOR_STAFF = True
    make_user("doc", "doctor")
    client = APIClient()
    # given a doctor without an authenticator logs in with the password
    me = _login(client, "doc").json()
    assert (me["otp_enrolled"], me["otp_verified"], me["otp_enrolment_required"]) == (
        False, False, True
    )  # fmt: skip
    # then clinical endpoints are closed until enrolment
    assert client.get("/api/v1/people/persons/").status_code == 403
    # when the doctor enrols an authenticator app from the otpauth URI and confirms a code
    enrol = client.post("/api/v1/accounts/otp/enrol/").json()
    uri = urllib.parse.urlparse(enrol["otpauth_uri"])
    assert (uri.scheme, uri.netloc) == ("otpauth", "totp")
    assert enrol["qr_svg"].lstrip().startswith("<")
    secret = urllib.parse.parse_qs(uri.query)["secret"][0]
    totp = pyotp.TOTP(secret)
    bad = client.post("/api/v1/accounts/otp/confirm/", {"token": "000000"}, format="json")
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid_otp")
    time.sleep(1.1)  # django-otp throttles guessing: 1 s after a failure, doubling
    confirmed = client.post("/api/v1/accounts/otp/confirm/", {"token": totp.now()},
                            format="json")  # fmt: skip
    assert confirmed.json()["otp_verified"] is True
    assert client.get("/api/v1/people/persons/").status_code == 200
    # and the next log-in needs the code: missing, wrong, then right (the next time step,
    # since a code is accepted once)
    client.post("/api/v1/accounts/logout/")
    fresh = APIClient()
    missing = _login(fresh, "doc")
    assert (missing.status_code, missing.json()["code"]) == (400, "otp_required")
    wrong = _login(fresh, "doc", otp_token="123456" if totp.now() != "123456" else "654321")
    assert (wrong.status_code, wrong.json()["code"]) == (400, "invalid_otp")
    time.sleep(1.1)
    right = _login(fresh, "doc", otp_token=totp.at(time.time() + 30))
    assert right.status_code == 200, right.json()
    assert right.json()["otp_verified"] is True
    assert fresh.get("/api/v1/people/persons/").status_code == 200
    assert AuditEvent.objects.filter(action="otp.enrolled").count() == 1


@pytest.mark.django_db
def test_totp_is_not_required_when_the_setting_is_off_and_employees_never_need_it(
    settings, make_user
):
    settings.OTP_REQUIRED_FOR_STAFF = False
    make_user("doc", "doctor")
    client = APIClient()
    assert _login(client, "doc").json()["otp_enrolment_required"] is False
    assert client.get("/api/v1/people/persons/").status_code == 200
    settings.OTP_REQUIRED_FOR_STAFF = True
    make_user("emp", "employee")
    employee = APIClient()
    assert _login(employee, "emp").json()["otp_enrolment_required"] is False
    assert employee.get("/api/v1/portal/access-log/").status_code != 403


@pytest.mark.django_db
def test_an_idle_session_is_logged_out(settings, make_user):
    settings.SESSION_IDLE_TIMEOUT = 600
    make_user("doc", "doctor")
    client = APIClient()
    _login(client, "doc")
    assert client.get("/api/v1/accounts/me/").status_code == 200
    # when the session has been idle for longer than the timeout
    session = client.session
    session[ACTIVITY_KEY] = int(time.time()) - 601
    session.save()
    # then the next request is anonymous and the logout is audited
    assert client.get("/api/v1/accounts/me/").status_code in (401, 403)
    assert AuditEvent.objects.filter(action="logout.idle").count() == 1


@pytest.mark.django_db
def test_a_login_from_a_new_address_range_or_at_an_unusual_hour_raises_an_anomaly(
    settings, make_user
):
    settings.AUDIT_ANOMALY = ALL_DAY
    make_user("doc", "doctor")
    for last in (5, 6, 7):
        assert _login(APIClient(), "doc", ip=f"10.1.2.{last}").status_code == 200
    assert not AuditAnomaly.objects.exists()
    # when the same user logs in from another network
    _login(APIClient(), "doc", ip="198.51.100.20")
    anomaly = AuditAnomaly.objects.get()
    assert (anomaly.kind, anomaly.detail["reasons"]) == ("unusual_login", ["new_address_range"])
    # and a known network outside working hours is unusual by the hour
    hour = timezone.localtime().hour
    settings.AUDIT_ANOMALY = {"work_start_hour": (hour + 1) % 24,
                              "work_end_hour": (hour + 2) % 24 or 24}  # fmt: skip
    _login(APIClient(), "doc", ip="10.1.2.9")
    latest = AuditAnomaly.objects.order_by("-id").first()
    assert latest.detail["reasons"] == ["unusual_hour"]


@pytest.mark.django_db
def test_responses_carry_the_security_headers(client):
    response = client.get("/api/v1/accounts/csrf/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src 'self';" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.slow
def test_check_deploy_is_clean_under_production_settings(tmp_path):
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "health.example.com",
        "HTTPS": "1",
        "HEALTHLOOP_VAR_DIR": str(tmp_path),
        "FIELD_KEYS": "k1:" + secrets.token_bytes(32).hex()[:44] + "=,index:AAAA",
    }
    env.pop("HEALTHLOOP_TESTING", None)
    env["FIELD_KEYS"] = ""
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--tag", "security",
         "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    everything = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert everything.returncode == 0
    assert "security." not in everything.stdout + everything.stderr
