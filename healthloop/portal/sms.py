"""Delivery of bind codes through notify's SMS channel (console backend by default)."""

from typing import Any

from healthloop.notify.services import enqueue


def send_bind_code(*, person: Any, code: str, ttl_minutes: int, row_id: int) -> None:
    """Queue the code for the roster person's own phone; call inside the bind transaction.
    The text carries the code (the outbox holds it only as long as notify keeps bodies); our
    own table keeps just its keyed hash."""
    enqueue(
        recipient_person=person,
        template="message",
        context={
            "title": "绑定验证码",
            "body": f"【HealthLoop】您的绑定验证码为{code}，{ttl_minutes}分钟内有效。"
            "如非本人操作，请忽略本短信。",
        },
        ref=f"portal.bindcode:{row_id}",
        idempotency_key=f"portal.bindcode:{row_id}",
        channels=["sms"],
        on_request=True,  # the person is waiting for it: quiet hours do not apply
    )


def send_already_bound(*, person: Any, username: str, row_id: int) -> None:
    """The details matched a person who already has an account: tell the owner of the phone
    their log-in name instead of a code (nothing is revealed to whoever asked)."""
    enqueue(
        recipient_person=person,
        template="message",
        context={
            "title": "账号已绑定",
            "body": f"【HealthLoop】您已绑定健康平台账号，登录名为{username}。"
            "如忘记密码，请联系健康管理中心。",
        },
        ref=f"portal.bindcode:{row_id}",
        idempotency_key=f"portal.bindcode:{row_id}",
        channels=["sms"],
        on_request=True,  # the person is waiting for it: quiet hours do not apply
    )


def client_ip(request: Any) -> str | None:
    return request.META.get("REMOTE_ADDR") or None if request is not None else None
