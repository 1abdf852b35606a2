"""URL map: each app's API under /api/v1/<app>/, the OpenAPI schema and docs, admin, health."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from healthloop.core.views import healthz

admin.site.site_header = "HealthLoop 检后健康管理平台"
admin.site.site_title = "HealthLoop"
admin.site.index_title = "系统管理"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/v1/accounts/", include("healthloop.accounts.urls")),
    path("api/v1/audit/", include("healthloop.audit.urls")),
    path("api/v1/people/", include("healthloop.people.urls")),
    path("api/v1/records/", include("healthloop.records.urls")),
    path("api/v1/notify/", include("healthloop.notify.urls")),
    path("api/v1/interop/", include("healthloop.interop.urls")),
    path("api/v1/alerts/", include("healthloop.alerts.urls")),
    path("api/v1/followup/", include("healthloop.followup.urls")),
    path("api/v1/", include("healthloop.assessment.urls")),
    path("api/v1/portal/", include("healthloop.portal.urls")),
    path("fhir/R4/", include("healthloop.interop.fhir.urls")),
    path("", include("healthloop.web.urls")),
]
