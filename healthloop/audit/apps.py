from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "healthloop.audit"
    label = "audit"

    def ready(self) -> None:
        from healthloop.audit.seal import SEAL_DRAIN, seal_pending
        from healthloop.core.handoff import register_drain

        register_drain(SEAL_DRAIN, seal_pending)
