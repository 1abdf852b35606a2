"""Follow-up templates: YAML defaults → database rows, and administrators' edits.

Loading (``manage.py load_followup_templates``; also run by the first register drain when the
table is empty), for each (disease, colour) of ``defaults/templates.yaml``:
- not in the database → created (origin "yaml");
- the same YAML text already loaded (``yaml_hash``) → nothing (idempotent);
- a changed default for a row that is still a YAML default → updated in place, audited;
- a changed default for a row an administrator edited → not applied: kept in
  ``pending_default`` so the administrator sees that a newer default exists.
Rows are never deleted by a load; a template removed from the YAML stays as it is.
"""

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from healthloop.assessment.engine.inputs import QUESTIONNAIRE_MODELS
from healthloop.assessment.models import Colour, Disease
from healthloop.audit.services import record_event
from healthloop.core.errors import ServiceError
from healthloop.followup.errors import FollowUpError
from healthloop.followup.models import FollowUpTemplate, Method

DEFAULTS_FILE = Path(__file__).resolve().parent / "defaults" / "templates.yaml"
EDITABLE = ("interval_days", "window_share", "method", "talking_points", "questionnaire",
            "reminder_days_before", "poor_control", "active")  # fmt: skip
OPERATORS = ("gte", "gt", "lte", "lt")


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    unchanged: int = 0


def _invalid(name: str, message: str) -> ServiceError:
    return ServiceError(FollowUpError.INVALID_TEMPLATE, message, field=name)


def validate_poor_control(rule: Any) -> dict[str, Any]:
    """``{}`` or ``{"any": [{"item": code, "gte"|"gt"|"lte"|"lt": number}], "interval_days": n,
    "source": text}``; item codes must be in the exam-item catalog."""
    from healthloop.records.catalog import get_catalog

    if not rule:
        return {}
    if not isinstance(rule, dict) or not isinstance(rule.get("any"), list) or not rule["any"]:
        raise _invalid("poor_control", "poor_control须为 {any: [...], interval_days: n}")
    catalog = get_catalog()
    for i, cond in enumerate(rule["any"]):
        name = f"poor_control.any[{i}]"
        ops = [op for op in OPERATORS if op in (cond or {})]
        if not isinstance(cond, dict) or len(ops) != 1 or set(cond) != {"item", ops[0]}:
            raise _invalid(name, "每个条件须为 {item: 代码, gte/gt/lte/lt: 数值}")
        if catalog.resolve(str(cond["item"])) is None:
            raise _invalid(f"{name}.item", f"未知的检查项目代码“{cond['item']}”")
        if not isinstance(cond[ops[0]], int | float):
            raise _invalid(f"{name}.{ops[0]}", "阈值须为数值")
    days = rule.get("interval_days")
    if not isinstance(days, int) or days < 1:
        raise _invalid("poor_control.interval_days", "控制不佳时的间隔须为正整数(天)")
    return {"any": rule["any"], "interval_days": days, "source": str(rule.get("source", ""))}


def validate_fields(data: dict[str, Any]) -> dict[str, Any]:
    """Check the editable fields present in ``data``; return them cleaned."""
    unknown = set(data) - set(EDITABLE)
    if unknown:
        raise _invalid(sorted(unknown)[0], f"不可修改的字段：{sorted(unknown)[0]}")
    clean = dict(data)
    if "interval_days" in data and (not isinstance(data["interval_days"], int)
                                    or not 1 <= data["interval_days"] <= 730):  # fmt: skip
        raise _invalid("interval_days", "随访间隔须为1–730天")
    if "window_share" in data and (not isinstance(data["window_share"], int | float)
                                   or not 0 <= data["window_share"] <= 0.5):  # fmt: skip
        raise _invalid("window_share", "窗口比例须在0–0.5之间")
    if "method" in data and data["method"] not in Method.values:
        raise _invalid("method", f"未知的随访方式：{data['method']}")
    if data.get("questionnaire") and data["questionnaire"] not in QUESTIONNAIRE_MODELS:
        raise _invalid("questionnaire", f"未知问卷：{data['questionnaire']}")
    remind = data.get("reminder_days_before", 0)
    if not isinstance(remind, int) or not 0 <= remind <= 30:
        raise _invalid("reminder_days_before", "提前提醒天数须为0–30")
    if "poor_control" in data:
        clean["poor_control"] = validate_poor_control(data["poor_control"])
    if "talking_points" in data:
        clean["talking_points"] = " ".join(str(data["talking_points"] or "").split())
    return clean


def read_yaml_templates(path: Path = DEFAULTS_FILE) -> list[dict[str, Any]]:
    """One dict per (disease, level): the file defaults, the disease entry, the level's
    overrides, validated."""
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    defaults = document.get("defaults") or {}
    rows, seen = [], set()
    for entry in document.get("templates") or []:
        disease = entry.get("disease")
        if disease not in Disease.values:
            raise _invalid("disease", f"{path.name}: 未知病种 {disease}")
        levels = entry.get("levels") or {}
        base = {k: v for k, v in entry.items() if k not in ("disease", "levels")}
        for level, overrides in levels.items():
            if level not in Colour.values or (disease, level) in seen:
                raise _invalid("level", f"{path.name}: {disease} 的风险等级 {level} 无效或重复")
            seen.add((disease, level))
            data = validate_fields({**defaults, **base, **(overrides or {})})
            rows.append({"disease": disease, "level": level, **data})
    return rows


def _digest(row: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(row, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _fields(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "interval_days": row["interval_days"], "window_share": row.get("window_share", 0.2),
        "method": row["method"], "talking_points": row.get("talking_points", ""),
        "questionnaire": row.get("questionnaire", ""),
        "reminder_days_before": row.get("reminder_days_before", 3),
        "poor_control": row.get("poor_control", {}), "active": True,
    }  # fmt: skip


@transaction.atomic
def load_templates(*, actor: Any, path: Path = DEFAULTS_FILE) -> LoadReport:
    """Bring the database in line with the YAML defaults (see the module docstring)."""
    report = LoadReport()
    stored = {(t.disease, t.level): t for t in FollowUpTemplate.objects.select_for_update()}
    for row in read_yaml_templates(path):
        key, digest = (row["disease"], row["level"]), _digest(row)
        name = f"{key[0]}/{key[1]}"
        template = stored.get(key)
        if template is None:
            FollowUpTemplate.objects.create(
                disease=key[0], level=key[1], yaml_hash=digest, **_fields(row)
            )
            report.created.append(name)
        elif template.yaml_hash == digest or (template.pending_default or {}).get("hash") == digest:
            report.unchanged += 1
        elif template.origin == FollowUpTemplate.Origin.YAML:
            for attr, value in _fields(row).items():
                setattr(template, attr, value)
            template.yaml_hash = digest
            template.save()
            report.updated.append(name)
        else:
            template.pending_default = {"hash": digest, **_fields(row)}
            template.save(update_fields=["pending_default", "updated_at"])
            report.pending.append(name)
    if report.created or report.updated or report.pending:
        record_event(
            actor=actor, action="followup_templates.loaded", object_type="followup_template",
            detail={"created": len(report.created), "updated": report.updated,
                    "pending": report.pending},
        )  # fmt: skip
    return report


@transaction.atomic
def update_template(
    *, template: FollowUpTemplate, changes: dict[str, Any], actor: Any
) -> FollowUpTemplate:
    """An administrator's edit: the row becomes origin "admin", so later deploys leave it
    alone (a newer default is parked in ``pending_default``)."""
    clean = validate_fields(changes)
    template = FollowUpTemplate.objects.select_for_update().get(pk=template.pk)
    before = {name: getattr(template, name) for name in clean}
    for name, value in clean.items():
        setattr(template, name, value)
    template.origin = FollowUpTemplate.Origin.ADMIN
    template.edited_by = actor if getattr(actor, "is_authenticated", False) else None
    template.save()
    record_event(
        actor=actor, action="followup_template.changed", object_type="followup_template",
        object_id=str(template), detail={"before": before, "after": clean},
    )  # fmt: skip
    return template
