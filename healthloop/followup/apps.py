from django.apps import AppConfig


class FollowUpConfig(AppConfig):
    name = "healthloop.followup"
    label = "followup"
    verbose_name = "随访管理"

    def ready(self) -> None:
        # Anyone who changes registers may nudge "followup.registers" (core.handoff); the
        # per-minute periodic drain in tasks.py catches everything without a nudge.
        from healthloop.core.handoff import register_drain
        from healthloop.followup.drain import DRAIN_NAME, drain_register_events

        register_drain(DRAIN_NAME, drain_register_events)
