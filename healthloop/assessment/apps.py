from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "healthloop.assessment"
    label = "assessment"
