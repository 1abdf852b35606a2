from django.urls import path

from healthloop.portal import views

urlpatterns = [
    path("bind/code/", views.BindCode.as_view(), name="portal-bind-code"),
    path("bind/", views.Bind.as_view(), name="portal-bind"),
    path("risk/", views.MyRisk.as_view(), name="portal-risk"),
    path("questionnaires/", views.Questionnaires.as_view(), name="portal-questionnaires"),
    path(
        "questionnaires/responses/<uuid:response_uuid>/",
        views.QuestionnaireResponseDetail.as_view(),
        name="portal-questionnaire-response",
    ),
    path("questionnaires/<slug:code>/", views.Questionnaire.as_view(), name="portal-questionnaire"),
    path(
        "questionnaires/<slug:code>/draft/",
        views.QuestionnaireDraft.as_view(),
        name="portal-questionnaire-draft",
    ),
    path(
        "questionnaires/<slug:code>/submit/",
        views.QuestionnaireSubmit.as_view(),
        name="portal-questionnaire-submit",
    ),
    path("messages/", views.Messages.as_view(), name="portal-messages"),
    path(
        "messages/<uuid:message_uuid>/read/",
        views.MessageRead.as_view(),
        name="portal-message-read",
    ),
    path("alerts/", views.MyAlerts.as_view(), name="portal-alerts"),
    path(
        "alerts/<uuid:alert_uuid>/questions/",
        views.AlertQuestion.as_view(),
        name="portal-alert-question",
    ),
    path("followups/", views.MyFollowUps.as_view(), name="portal-followups"),
    path("access-log/", views.AccessLog.as_view(), name="portal-access-log"),
]
