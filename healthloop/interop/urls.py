from django.urls import include, path

urlpatterns: list = [
    path("imports/", include("healthloop.interop.imports.urls")),
    path("", include("healthloop.interop.feed_urls")),
]
