from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "healthloop.core"
    label = "core"
