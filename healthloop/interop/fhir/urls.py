"""FHIR R4 facade over our own tables, mounted at /fhir/R4/."""

urlpatterns: list = []
