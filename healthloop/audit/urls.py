from django.urls import path

from healthloop.audit import views

urlpatterns = [
    path("events/", views.AuditEventList.as_view(), name="audit-events"),
    path("events/export/", views.AuditEventExport.as_view(), name="audit-export"),
    path("verify/", views.AuditVerify.as_view(), name="audit-verify"),
    path("anomalies/", views.AnomalyList.as_view(), name="audit-anomalies"),
    path("anomalies/<int:anomaly_id>/review/", views.AnomalyReview.as_view(), name="audit-review"),
]
