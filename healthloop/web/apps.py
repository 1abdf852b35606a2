from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "healthloop.web"
    label = "web"
