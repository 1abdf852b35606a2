from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "healthloop.assessment"
    label = "assessment"
    verbose_name = "筛查与评估"

    def ready(self) -> None:
        # records nudges "assessment" after every ingestion commit (core.handoff).
        from healthloop.assessment.engine.run import drain_pending_assessments
        from healthloop.core.handoff import register_drain

        register_drain("assessment", drain_pending_assessments)
