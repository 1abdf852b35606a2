from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "healthloop.people"
    label = "people"
