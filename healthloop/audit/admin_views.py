"""Django admin pages over person data are audited reads, like the API.

``PersonDataAdmin`` records one event per person on a list page (``admin.listed``) and one on an
object page (``admin.viewed``), with the model as the object type. Use it for every admin class
whose rows belong to a person; ``person_path`` names the way from the row to the Person.
"""

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.http import HttpRequest, HttpResponse

from healthloop.audit.services import record_bulk_access, record_event


class PersonDataAdmin(admin.ModelAdmin):
    person_path = "person"

    def _object_type(self) -> str:
        return self.model._meta.label_lower

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if changelist is not None:
            shown = [row.pk for row in changelist.result_list]
            uuids = set(
                self.model._default_manager.filter(pk__in=shown)
                .exclude(**{self.person_path: None})
                .values_list(f"{self.person_path}__uuid", flat=True)
            )
            record_bulk_access(
                actor=request.user, action="admin.listed", person_uuids=uuids, request=request
            )
        return response

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        row = (
            self.model._default_manager.filter(pk=unquote(object_id))
            .values_list(f"{self.person_path}__uuid", flat=True)
            .first()
        )
        if response.status_code < 400 and row is not None:
            record_event(
                actor=request.user,
                action="admin.viewed",
                person_uuid=row,
                object_type=self._object_type(),
                object_id=str(object_id),
                request=request,
            )
        return response
