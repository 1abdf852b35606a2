"""Mounted at /api/v1/ (the calculators live at /api/v1/calculators); everything else of the
app under /api/v1/assessment/."""

from django.urls import path

from healthloop.assessment import views
from healthloop.assessment.rules import views as rules

PERSON = "assessment/persons/<uuid:person_uuid>"
RULE = "assessment/rules/<str:code>"

urlpatterns = [
    path("calculators", views.CalculatorList.as_view(), name="calculator-list"),
    path("calculators/<str:name>", views.CalculatorRun.as_view(), name="calculator-run"),
    path("assessment/findings/", views.FindingList.as_view(), name="finding-list"),
    path(f"{PERSON}/risk-levels/", views.PersonRiskLevels.as_view(), name="person-risk-levels"),
    path(f"{PERSON}/assessments/", views.PersonAssessments.as_view(), name="person-assessments"),
    path(f"{PERSON}/report/", views.PersonReport.as_view(), name="person-report"),
    path(f"{PERSON}/trends/", views.PersonTrends.as_view(), name="person-trends"),
    path(f"{PERSON}/registers/", views.PersonRegisters.as_view(), name="person-registers"),
    path(
        f"{PERSON}/questionnaires/",
        views.PersonQuestionnaires.as_view(),
        name="person-questionnaires",
    ),
    path("assessment/registers/", views.RegisterList.as_view(), name="register-list"),
    path("assessment/registers/summary/", views.RegisterSummary.as_view(), name="register-summary"),
    path("assessment/registers/export/", views.RegisterExport.as_view(), name="register-export"),
    path("assessment/indicators/", views.KeyIndicators.as_view(), name="key-indicators"),
    path("assessment/rules/", rules.RuleList.as_view(), name="rule-list"),
    path(f"{RULE}/", rules.RuleDetail.as_view(), name="rule-detail"),
    path(f"{RULE}/versions/", rules.RuleVersionCreate.as_view(), name="rule-version-create"),
    path(
        f"{RULE}/versions/<int:version>/dry-run/",
        rules.RuleDryRun.as_view(),
        name="rule-dry-run",
    ),
    path(
        f"{RULE}/versions/<int:version>/publish/",
        rules.RulePublish.as_view(),
        name="rule-publish",
    ),
    path(f"{RULE}/retire/", rules.RuleRetire.as_view(), name="rule-retire"),
    path(
        "assessment/screening-runs/",
        rules.ScreeningRunList.as_view(),
        name="screening-run-list",
    ),
    path(
        "assessment/screening-runs/<int:pk>/",
        rules.ScreeningRunDetail.as_view(),
        name="screening-run-detail",
    ),
]
