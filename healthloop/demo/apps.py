from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "healthloop.demo"
    label = "demo"
