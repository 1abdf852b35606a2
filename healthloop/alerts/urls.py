from django.urls import path

from healthloop.alerts import views

urlpatterns = [
    path("", views.AlertQueue.as_view(), name="alert-queue"),
    path("stats/", views.AlertStats.as_view(), name="alert-stats"),
    path("bulk-confirm/", views.AlertBulkConfirm.as_view(), name="alert-bulk-confirm"),
    path("persons/<uuid:person_uuid>/", views.PersonAlerts.as_view(), name="alert-person"),
    path("<uuid:alert_uuid>/", views.AlertDetail.as_view(), name="alert-detail"),
    path("<uuid:alert_uuid>/confirm/", views.AlertConfirm.as_view(), name="alert-confirm"),
    path("<uuid:alert_uuid>/dismiss/", views.AlertDismiss.as_view(), name="alert-dismiss"),
    path("<uuid:alert_uuid>/close/", views.AlertClose.as_view(), name="alert-close"),
]
