from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "healthloop.records"
    label = "records"
