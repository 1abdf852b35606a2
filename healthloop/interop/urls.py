from django.urls import include, path

urlpatterns: list = [
    path("imports/", include("healthloop.interop.imports.urls")),
]
