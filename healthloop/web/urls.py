"""Serves the built web clients: the workbench at / and the mobile portal at /h5/.

Mounted last at the URL root: every path not taken by the API, admin, static files or FHIR is a
client-side route of the workbench and gets its index.html.
"""

from django.urls import path, re_path
from django.views.generic import RedirectView

from healthloop.web import views

urlpatterns = [
    path("assets/<path:path>", views.asset, name="web-asset"),
    path("h5", RedirectView.as_view(url="/h5/", permanent=False)),
    re_path(r"^h5/", views.client_page, {"client": "portal"}, name="web-portal"),
    re_path(
        r"^(?!api/|admin/|static/|media/|fhir/|assets/|healthz)",
        views.client_page,
        {"client": "workbench"},
        name="web-workbench",
    ),
]
