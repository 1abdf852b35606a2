from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "healthloop.alerts"
    label = "alerts"
    verbose_name = "预警审核"

    def ready(self) -> None:
        # The screening engine nudges "alerts" after it commits raised findings; notify's
        # delivery events are drained by "alerts.notify_events", which notify nudges as
        # "notify.events" after writing them (core.handoff, no signals).
        from healthloop.alerts.drains import drain_findings, drain_notification_events
        from healthloop.core.handoff import register_drain

        register_drain("alerts", drain_findings)
        register_drain("alerts.notify_events", drain_notification_events)
        register_drain("notify.events", drain_notification_events)
