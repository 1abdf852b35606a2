from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "healthloop.interop"
    label = "interop"
