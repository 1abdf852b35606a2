"""FHIR R4 facade over our own tables, mounted at /fhir/R4/ (docs/interop.md, "FHIR R4")."""

from django.urls import path

from healthloop.interop.fhir import views

urlpatterns = [
    path("", views.System.as_view(), name="fhir-system"),
    path("metadata", views.Metadata.as_view(), name="fhir-metadata"),
    path("<str:resource_type>", views.Type.as_view(), name="fhir-type"),
    path("<str:resource_type>/_search", views.TypeSearch.as_view(), name="fhir-search"),
    path("<str:resource_type>/<str:resource_id>", views.Instance.as_view(), name="fhir-instance"),
]
