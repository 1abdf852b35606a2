"""The audit trail as CSV or Excel for administrators (every export is itself audited)."""

import csv
import io
from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone

from healthloop.audit.models import AuditEvent
from healthloop.core.spreadsheets import safe_cell, xlsx_bytes

COLUMNS = (
    ("seq", "序号"), ("occurred_at", "时间"), ("actor_username", "操作人"),
    ("actor_role", "角色"), ("actor_department", "科室"), ("person_uuid", "人员ID"),
    ("action", "动作"), ("object_type", "对象类型"), ("object_id", "对象ID"),
    ("fields", "字段"), ("purpose", "目的"), ("client_ip", "客户端地址"), ("hash", "哈希"),
)  # fmt: skip
MAX_ROWS = 200_000


def _rows(events: QuerySet[AuditEvent]) -> Iterable[list[str]]:
    names = [name for name, _ in COLUMNS]
    for row in events.values_list(*names).iterator(chunk_size=5000):
        values = dict(zip(names, row, strict=True))
        values["occurred_at"] = timezone.localtime(values["occurred_at"]).isoformat()
        values["fields"] = ",".join(values["fields"] or [])
        yield ["" if values[n] is None else str(values[n]) for n in names]


def events_csv(events: QuerySet[AuditEvent]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([label for _, label in COLUMNS])
    for row in _rows(events):
        writer.writerow([safe_cell(cell) for cell in row])
    return ("\ufeff" + out.getvalue()).encode()  # BOM: Excel opens UTF-8 Chinese correctly


def events_xlsx(events: QuerySet[AuditEvent]) -> bytes:
    return xlsx_bytes("审计日志", [label for _, label in COLUMNS], _rows(events))
