from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "healthloop.audit"
    label = "audit"
