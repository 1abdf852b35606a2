"""What predicates evaluate against: one person's facts, model runs and this evaluation's
register and finding results; plus the helpers every predicate shares."""

import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from healthloop.assessment.engine.facts import Needs, Obs, PersonFacts

if TYPE_CHECKING:
    from healthloop.assessment.engine.modelrun import ModelRun
    from healthloop.assessment.rules.ruleset import CompiledRule

Evidence = list[dict[str, Any]]
OPS = {"gt": float.__gt__, "gte": float.__ge__, "lt": float.__lt__, "lte": float.__le__}


class RuleDefinitionError(ValueError):
    """A rule definition is malformed; ``field`` is its path, e.g. ``when.any[1].gte``."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass
class Hit:
    rule: "CompiledRule"
    evidence: Evidence
    dedupe_key: str
    advice: str


@dataclass
class Context:
    facts: PersonFacts
    models: dict[str, "ModelRun"]
    as_of: dt.date
    labels: dict[str, tuple[str, str]]  # item code → (Chinese name, unit)
    registers: dict[str, bool] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)


class Predicate:
    def test(self, ctx: Context) -> Evidence | None:
        """The evidence (maybe empty) when the predicate holds; None when it does not."""
        raise NotImplementedError

    def collect(self, needs: Needs) -> None:
        """Add what the engine must fetch for this predicate."""
        raise NotImplementedError


def parse_ops(raw: dict[str, Any], path: str) -> list[tuple[str, float]]:
    if not isinstance(raw, dict):
        raise RuleDefinitionError(path, "应为对象")
    ops = []
    for key in OPS:
        if key in raw:
            value = raw[key]
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise RuleDefinitionError(f"{path}.{key}", "阈值必须是数字")
            ops.append((key, float(value)))
    return ops


def ops_hold(ops: list[tuple[str, float]], value: float | None) -> bool:
    if value is None:
        return False
    number = float(value)
    return all(OPS[op](number, limit) for op, limit in ops)


@functools.cache
def _zone() -> dt.tzinfo:
    return timezone.get_default_timezone()


def local_date(at: dt.datetime) -> dt.date:
    """The calendar date in the configured time zone (exam years, evidence dates)."""
    return at.astimezone(_zone()).date()


def fmt_number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.4f}".rstrip("0").rstrip(".")


def obs_evidence(ctx: Context, obs: Obs, **extra: Any) -> dict[str, Any]:
    name, unit = ctx.labels.get(obs.item, (obs.item, ""))
    entry: dict[str, Any] = {
        "type": "observation",
        "observation": obs.id,
        "item": obs.item,
        "name": name,
        "at": local_date(obs.at).isoformat(),
    }
    if obs.value is not None:
        entry.update(value=obs.value, unit=unit)
    if obs.code:
        entry["code"] = obs.code
    if obs.flag:
        entry["flag"] = obs.flag
    if obs.ref_low is not None or obs.ref_high is not None:
        entry["ref"] = f"{fmt_number(obs.ref_low)}–{fmt_number(obs.ref_high)}"
    entry.update(extra)
    return entry


def summarize(evidence: Evidence) -> list[str]:
    """Short Chinese lines for a risk level's or register entry's basis."""
    lines = []
    for e in evidence:
        kind = e.get("type")
        if kind == "observation":
            shown = fmt_number(e["value"]) if "value" in e else e.get("code", "")
            lines.append(f"{e['name']} {shown}{e.get('unit', '')}（{e['at']}）")
        elif kind == "model":
            value = f" {e['value']:.1f}{e.get('unit') or ''}" if e["value"] is not None else ""
            lines.append(f"{e['model']}：{e['label']}{value}")
        elif kind == "condition":
            lines.append(f"诊断 {e['icd10']}")
        elif kind == "medication":
            lines.append(f"用药 {e['drug_class']}")
        elif kind == "finding":
            lines.append(f"{e['title']}（{e['major_class'] or e['severity']}）")
        elif kind == "questionnaire":
            lines.append(f"{e['instrument']} 第{e['item']}题 {e['answer']}（{e['at']}）")
    return list(dict.fromkeys(lines))
