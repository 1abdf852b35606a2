"""The set of rules an evaluation applies, in dependency order, cached per process.

Order of evaluation for one person: models; register rules that read no findings (sorted so
that a register read by another comes first); finding rules (which may read registers);
register rules that read findings (e.g. "major positive findings under follow-up").
"""

from dataclasses import dataclass, field

from django.db.models import Count, Max, Sum

from healthloop.assessment.engine.config import engine_config
from healthloop.assessment.engine.facts import Needs
from healthloop.assessment.engine.inputs import MODEL_ITEMS
from healthloop.assessment.engine.modelrun import ordered_models
from healthloop.assessment.models import ScreeningRule
from healthloop.assessment.rules.base import RuleDefinitionError
from healthloop.assessment.rules.ruleset import CompiledRule, compile_rule


@dataclass
class RuleSet:
    registers_first: list[CompiledRule] = field(default_factory=list)
    findings: list[CompiledRule] = field(default_factory=list)
    registers_last: list[CompiledRule] = field(default_factory=list)
    models: list[str] = field(default_factory=list)
    needs: Needs = field(default_factory=Needs)

    @property
    def rules(self) -> list[CompiledRule]:
        return self.registers_first + self.findings + self.registers_last

    @property
    def diseases(self) -> set[str]:
        return {r.disease for r in self.registers_first + self.registers_last}


def _register_order(rules: list[CompiledRule]) -> list[CompiledRule]:
    ordered: list[CompiledRule] = []
    pending = list(rules)
    while pending:
        placed = {r.disease for r in ordered}
        ready = [r for r in pending if r.needs.registers - {r.disease} <= placed]
        if not ready:
            raise RuleDefinitionError("definition", "台账规则之间存在循环引用")
        ordered.extend(ready)
        pending = [r for r in pending if r not in ready]
    return ordered


def build_ruleset(rules: list[CompiledRule], *, all_models: bool = True) -> RuleSet:
    """A RuleSet from compiled rules. ``all_models`` adds the engine's standard models (the
    full screening); a dry run of one rule computes only the models its rules read."""
    result = RuleSet()
    registers = [r for r in rules if r.is_register]
    result.findings = [r for r in rules if not r.is_register]
    late = [r for r in registers if r.needs.findings]
    result.registers_first = _register_order([r for r in registers if r not in late])
    result.registers_last = _register_order(late)
    for rule in rules:
        result.needs.add(rule.needs)
    config = engine_config()
    if all_models:
        result.needs.models.update(config.models)
        result.needs.models.update(config.questionnaire_models)
    result.needs.questionnaires.update(
        m for m in result.needs.models if m in config.questionnaire_models
    )
    result.models = ordered_models(result.needs.models)
    for model in result.models:
        result.needs.latest.update(MODEL_ITEMS.get(model, ()))
    return result


_cache: tuple[tuple[object, ...], RuleSet] | None = None


def published_ruleset() -> RuleSet:
    """The published rules, recompiled when any rule was published or retired."""
    global _cache
    stamp_row = ScreeningRule.objects.filter(status=ScreeningRule.Status.PUBLISHED).aggregate(
        n=Count("id"), total=Sum("id"), last=Max("published_at")
    )
    if not stamp_row["n"]:
        from healthloop.assessment.rules.loader import load_rules

        if not load_rules(actor=None).created:
            return RuleSet()
        return published_ruleset()
    stamp = (stamp_row["n"], stamp_row["total"], stamp_row["last"])
    if _cache is None or _cache[0] != stamp:
        rows = ScreeningRule.objects.filter(status=ScreeningRule.Status.PUBLISHED)
        _cache = (stamp, build_ruleset([compile_rule(r) for r in rows.order_by("code")]))
    return _cache[1]


def dependencies(target: CompiledRule, published: list[CompiledRule]) -> list[CompiledRule]:
    """``target`` and the published rules it reads (registers by disease; every finding rule
    when it reads findings), transitively."""
    chosen = {target.code: target}
    stack = [target]
    while stack:
        rule = stack.pop()
        wanted = [p for p in published if p.is_register and p.disease in rule.needs.registers]
        if rule.needs.findings:
            wanted += [p for p in published if not p.is_register]
        for dep in wanted:
            if dep.code not in chosen:
                chosen[dep.code] = dep
                stack.append(dep)
    return list(chosen.values())


def add_needs(ruleset: RuleSet, rule: CompiledRule) -> None:
    """Make ``ruleset`` fetch and compute what ``rule`` reads (a dry run's shadow rule)."""
    ruleset.needs.add(rule.needs)
    ruleset.models = ordered_models(set(ruleset.models) | rule.needs.models)
    for model in ruleset.models:
        ruleset.needs.latest.update(MODEL_ITEMS.get(model, ()))
    config = engine_config()
    ruleset.needs.questionnaires.update(
        m for m in ruleset.models if m in config.questionnaire_models
    )
