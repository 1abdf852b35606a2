from django.urls import path

from healthloop.interop.imports import views

urlpatterns = [
    path("", views.ImportJobListCreate.as_view(), name="import-list"),
    path("template.xlsx", views.ImportTemplate.as_view(), name="import-template"),
    path("<uuid:job_uuid>/", views.ImportJobDetail.as_view(), name="import-detail"),
    path("<uuid:job_uuid>/errors.csv", views.ImportJobErrors.as_view(), name="import-errors"),
]
