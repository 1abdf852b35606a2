"""The in-app inbox (portal for persons, workbench for staff): the row itself is the message,
so "sending" it is delivering it."""

from healthloop.notify.channels.base import Adapter, OutgoingMessage, SendResult


class InAppAdapter(Adapter):
    channel = "inapp"

    def send(self, message: OutgoingMessage) -> SendResult:
        return SendResult("delivered", provider_id=f"inbox-{message.notification_uuid}")
