"""Admin pages over person data are audited reads (list and object pages)."""

import datetime as dt

from django.test import Client
from django.utils import timezone

from healthloop.audit.models import AuditEvent
from healthloop.portal.models import BindCode


def test_the_admin_list_and_object_pages_record_who_read_which_person(make_user, make_person):
    person = make_person("张三", sex="male")
    now = timezone.now()
    code = BindCode.objects.create(
        phone_hash="p", id_number_hash="i", person=person, salt="s", code_hash="c",
        created_at=now, expires_at=now + dt.timedelta(minutes=5),
    )  # fmt: skip
    admin_user = make_user("root", "admin", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin_user)

    assert client.get("/admin/portal/bindcode/").status_code == 200
    assert client.get(f"/admin/portal/bindcode/{code.pk}/change/").status_code == 200

    events = AuditEvent.objects.filter(person_uuid=person.uuid, actor_username="root")
    assert sorted(events.values_list("action", flat=True)) == ["admin.listed", "admin.viewed"]
    viewed = events.get(action="admin.viewed")
    assert (viewed.object_type, viewed.object_id) == ("portal.bindcode", str(code.pk))
