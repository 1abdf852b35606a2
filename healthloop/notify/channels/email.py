"""E-mail through Django's mail framework (SMTP when NOTIFY_EMAIL_BACKEND=smtp, using
EMAIL_HOST / EMAIL_PORT / EMAIL_HOST_USER / EMAIL_HOST_PASSWORD / EMAIL_USE_TLS).

The Message-ID is derived from the idempotency key, so a receiving system can discard a
repeat, and it is the provider id we record. SMTP 4xx answers are temporary, 5xx permanent.
"""

import contextlib
import smtplib
import threading

from django.core.mail import EmailMessage, get_connection

from healthloop.notify import conf
from healthloop.notify.channels.base import Adapter, OutgoingMessage, SendResult

_local = threading.local()


class EmailAdapter(Adapter):
    channel = "email"

    def __init__(self, backend: str = "django.core.mail.backends.smtp.EmailBackend") -> None:
        self.backend = backend
        self.sender = conf.get("NOTIFY_EMAIL_FROM")

    def _connection(self):
        conn = getattr(_local, "conn", None)
        if conn is None or getattr(_local, "backend", None) != self.backend:
            conn = get_connection(self.backend, fail_silently=False)
            _local.conn, _local.backend = conn, self.backend
        return conn

    def send(self, message: OutgoingMessage) -> SendResult:
        if not message.address:
            return SendResult.permanent("no_address", "the recipient has no e-mail address")
        message_id = f"<{message.idempotency_key}@healthloop>"
        mail = EmailMessage(
            subject=message.title or message.body[:60],
            body=message.body,
            from_email=self.sender,
            to=[message.address],
            headers={"Message-ID": message_id},
            connection=self._connection(),
        )
        try:
            mail.send()
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            answer = str(exc.recipients)
            if codes and all(400 <= c < 500 for c in codes):
                return SendResult.retry("smtp_4xx", answer)
            return SendResult.permanent("smtp_recipient_refused", answer)
        except smtplib.SMTPResponseException as exc:
            answer = f"{exc.smtp_code} {exc.smtp_error!r}"
            self._drop()
            if 400 <= exc.smtp_code < 500:
                return SendResult.retry(f"smtp_{exc.smtp_code}", answer, uncertain=True)
            return SendResult.permanent(f"smtp_{exc.smtp_code}", answer)
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            return SendResult.retry("smtp_error", f"{type(exc).__name__}: {exc}", uncertain=True)
        return SendResult("sent", provider_id=message_id, code="250", answer="accepted")

    def _drop(self) -> None:
        conn = getattr(_local, "conn", None)
        if conn is not None:
            with contextlib.suppress(Exception):  # the connection already broke
                conn.close()
        _local.conn = None
