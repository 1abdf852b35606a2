"""Published rules compiled for the engine, and the advice templates they draft.

A rule's ``definition`` holds ``when`` (finding rules) or ``include`` + ``levels`` (register
rules), and optionally ``identity``: how a hit is recognised as "the same" on a later run —
``evidence`` (default: the observations, model inputs, questionnaire response … it rests on)
or ``once`` (one finding per rule while it holds; model results).
"""

import hashlib
import string
from dataclasses import dataclass, field
from typing import Any

from healthloop.assessment.engine.facts import Needs
from healthloop.assessment.engine.inputs import MODEL_ITEMS
from healthloop.assessment.models import Colour, Disease, RuleKind, ScreeningRule, Severity
from healthloop.assessment.rules.base import (
    Context,
    Evidence,
    Hit,
    Predicate,
    RuleDefinitionError,
    fmt_number,
)
from healthloop.assessment.rules.predicates import compile_predicate

ADVICE_FIELDS = frozenset(
    ("title", "item", "name", "value", "unit", "date", "ref", "matched", "size_mm", "model",
     "model_value", "label", "answer", "last", "due")
)  # fmt: skip
IDENTITIES = ("evidence", "once")


@dataclass
class Level:
    colour: str
    label: str
    when: Predicate


@dataclass
class CompiledRule:
    id: int
    code: str
    version: int
    kind: str
    title: str
    disease: str
    severity: str
    major_class: str
    advice: str
    identity: str
    when: Predicate | None = None
    include: Predicate | None = None
    levels: list[Level] = field(default_factory=list)
    needs: Needs = field(default_factory=Needs)

    @property
    def is_register(self) -> bool:
        return self.kind == RuleKind.REGISTER

    def hit(self, ctx: Context) -> Hit | None:
        assert self.when is not None
        evidence = self.when.test(ctx)
        if evidence is None:
            return None
        return Hit(self, evidence, dedupe_key(self, evidence), render_advice(self, evidence))

    def level(self, ctx: Context) -> tuple[Level, Evidence] | None:
        for level in self.levels:
            evidence = level.when.test(ctx)
            if evidence is not None:
                return level, evidence
        return None


def identity_keys(evidence: Evidence) -> list[str]:
    keys = []
    for e in evidence:
        kind = e.get("type")
        if kind == "observation":
            keys.append(f"obs:{e['observation']}")
        elif kind == "model":
            keys.append(f"model:{e['model']}:{e['hash'][:16]}")
        elif kind in ("questionnaire", "condition", "medication"):
            keys.append(f"{kind}:{e['id']}")
        elif kind == "overdue":
            keys.append(f"overdue:{e['what']}:{e['last']}")
    return sorted(set(keys))


def dedupe_key(rule: CompiledRule, evidence: Evidence) -> str:
    identity = "" if rule.identity == "once" else "|".join(identity_keys(evidence))
    return hashlib.sha256(f"{rule.code}|{identity}".encode()).hexdigest()


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def advice_values(rule: CompiledRule, evidence: Evidence) -> dict[str, str]:
    values = _Blank(title=rule.title)
    for e in evidence:
        kind = e.get("type")
        if kind == "observation" and "item" not in values:
            values.update(
                item=e["item"],
                name=e["name"],
                date=e["at"],
                ref=e.get("ref", ""),
                unit=e.get("unit", ""),
                matched=e.get("matched", ""),
            )
            values["value"] = fmt_number(e["value"]) if "value" in e else e.get("code", "")
            if "size_mm" in e:
                values["size_mm"] = fmt_number(e["size_mm"])
        elif kind == "model" and "model" not in values:
            values.update(model=e["model"], label=e["label"])
            values["model_value"] = f"{e['value']:.1f}" if e["value"] is not None else ""
        elif kind == "questionnaire":
            values.update(answer=str(e["answer"]), date=e["at"])
        elif kind == "overdue":
            values.update(last=e["last"] or "无记录", due=e["due"] or "")
    return values


def render_advice(rule: CompiledRule, evidence: Evidence) -> str:
    return string.Formatter().vformat(rule.advice, (), advice_values(rule, evidence))


def check_advice(template: str) -> None:
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    except ValueError as exc:
        raise RuleDefinitionError("advice", f"建议模板格式错误：{exc}") from None
    unknown = names - ADVICE_FIELDS
    if unknown:
        raise RuleDefinitionError("advice", f"未知的模板字段：{sorted(unknown)}")


def compile_rule(rule: ScreeningRule) -> CompiledRule:
    """Validate and compile one rule version; RuleDefinitionError names the bad field."""
    definition: dict[str, Any] = rule.definition if isinstance(rule.definition, dict) else {}
    identity = definition.get("identity", "once" if rule.kind == RuleKind.MODEL else "evidence")
    if identity not in IDENTITIES:
        raise RuleDefinitionError("definition.identity", f"应为{IDENTITIES}之一")
    check_advice(rule.advice)
    compiled = CompiledRule(
        id=rule.pk, code=rule.code, version=rule.version, kind=rule.kind, title=rule.title,
        disease=rule.disease, severity=rule.severity, major_class=rule.major_class,
        advice=rule.advice, identity=identity,
    )  # fmt: skip
    if rule.kind == RuleKind.REGISTER:
        if rule.disease not in Disease.values:
            raise RuleDefinitionError("disease", f"台账规则需要病种：{Disease.values}")
        compiled.include = compile_predicate(definition.get("include"), "definition.include")
        compiled.include.collect(compiled.needs)
        for i, raw in enumerate(definition.get("levels") or []):
            path = f"definition.levels[{i}]"
            if not isinstance(raw, dict) or raw.get("colour") not in Colour.values:
                raise RuleDefinitionError(f"{path}.colour", f"应为{Colour.values}之一")
            level = Level(
                raw["colour"],
                str(raw.get("label", "")),
                compile_predicate(raw.get("when"), f"{path}.when"),
            )
            level.when.collect(compiled.needs)
            compiled.levels.append(level)
    else:
        if rule.severity not in Severity.values:
            raise RuleDefinitionError("severity", f"应为{Severity.values}之一")
        compiled.when = compile_predicate(definition.get("when"), "definition.when")
        compiled.when.collect(compiled.needs)
    for model in compiled.needs.models:
        compiled.needs.latest.update(MODEL_ITEMS.get(model, ()))
    return compiled
