"""E-mail through Django's SMTP backend to a real local SMTP server (aiosmtpd)."""

import email

import pytest
from aiosmtpd.controller import Controller
from django.db import transaction

from healthloop.core.testing import free_port
from healthloop.notify.dispatch import dispatch_due_notifications
from healthloop.notify.services import enqueue

pytestmark = pytest.mark.django_db


class Mailbox:
    def __init__(self, refuse: set[str]) -> None:
        self.messages: list[email.message.Message] = []
        self.refuse = refuse

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp(settings):
    mailbox = Mailbox(refuse={"gone@example.org"})
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.NOTIFY_QUIET_HOURS = ""
    settings.NOTIFY_EMAIL_BACKEND = "smtp"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    yield mailbox
    controller.stop()


def _mail(user, key):
    with transaction.atomic():
        return enqueue(
            recipient_user=user,
            template="followup.reminder",
            context={"person_name": "赵六", "due_date": "2026-03-05", "method": "电话"},
            ref=f"followup.task:{key}",
            idempotency_key=key,
            channels=["email", "inapp"],
        )


def test_email_is_delivered_over_smtp_with_our_message_id(make_user, smtp):
    user = make_user("hm_zhou", "health_manager", email="zhou@example.org")
    n = _mail(user, "remind-1")
    dispatch_due_notifications()
    n.refresh_from_db()
    assert n.status == "sent" and n.channel == "email"
    assert len(smtp.messages) == 1
    msg = smtp.messages[0]
    assert msg["To"] == "zhou@example.org"
    assert msg["Message-ID"] == f"<{n.uuid.hex}-email-0@healthloop>" == n.provider_id
    assert (
        msg.get_payload(decode=True).decode().strip()
        == "您有一项电话随访任务（赵六）将于2026-03-05到期。"
    )


def test_refused_mailbox_is_permanent_and_falls_back_to_the_inbox(make_user, smtp):
    user = make_user("hm_gone", "health_manager", email="gone@example.org")
    n = _mail(user, "remind-2")
    dispatch_due_notifications()
    n.refresh_from_db()
    assert (n.status, n.channel) == ("delivered", "inapp")
    assert smtp.messages == []
    assert n.attempts_log.get(channel="email").code == "smtp_recipient_refused"
