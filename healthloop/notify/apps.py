from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "healthloop.notify"
    label = "notify"
    verbose_name = "通知"

    def ready(self) -> None:
        # enqueue nudges "notify" after commit (core.handoff); the drain dispatches due rows.
        from healthloop.core.handoff import register_drain
        from healthloop.notify.dispatch import dispatch_due_notifications

        register_drain("notify", dispatch_due_notifications)
