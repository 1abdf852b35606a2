"""Evaluating one person in memory: models, then register and finding rules.

No database access here: the facts were fetched set-based for the whole batch, and the
writer stores the outcomes of the batch with bulk operations.
"""

import datetime as dt
from dataclasses import dataclass, field

from healthloop.assessment.engine.config import EngineConfig
from healthloop.assessment.engine.derived import Derived
from healthloop.assessment.engine.facts import PersonFacts
from healthloop.assessment.engine.modelrun import Known, ModelRun, run_models
from healthloop.assessment.rules.active import RuleSet
from healthloop.assessment.rules.base import Context, Evidence, Hit
from healthloop.assessment.rules.ruleset import CompiledRule, Level


@dataclass
class RegisterVerdict:
    rule: CompiledRule
    included: bool
    evidence: Evidence
    level: Level | None
    level_evidence: Evidence = field(default_factory=list)


@dataclass
class Outcome:
    person: PersonFacts
    models: dict[str, ModelRun]
    hits: list[Hit]
    registers: list[RegisterVerdict]
    shadow: Evidence | None = None  # the result of ``shadow`` (dry runs), None = not hit


def _register(rule: CompiledRule, ctx: Context) -> RegisterVerdict:
    assert rule.include is not None
    evidence = rule.include.test(ctx)
    ctx.registers[rule.disease] = evidence is not None
    found = rule.level(ctx)
    level, level_evidence = found if found is not None else (None, [])
    return RegisterVerdict(rule, evidence is not None, evidence or [], level, level_evidence)


def evaluate_person(
    facts: PersonFacts,
    ruleset: RuleSet,
    *,
    as_of: dt.date,
    labels: dict[str, tuple[str, str]],
    config: EngineConfig,
    shadow: CompiledRule | None = None,
    known: Known | None = None,
) -> Outcome:
    """``shadow`` is evaluated last on the same context without taking part (a dry run
    compares a draft with the published version it would replace); ``known``: the person's
    stored current assessments, reused when their input hash is unchanged."""
    models = run_models(Derived(facts, config), ruleset.models, known)
    ctx = Context(facts, models, as_of, labels)
    verdicts = [_register(rule, ctx) for rule in ruleset.registers_first]
    for rule in ruleset.findings:
        hit = rule.hit(ctx)
        if hit is not None:
            ctx.hits.append(hit)
    verdicts.extend(_register(rule, ctx) for rule in ruleset.registers_last)
    outcome = Outcome(facts, models, ctx.hits, verdicts)
    if shadow is not None:
        predicate = shadow.include if shadow.is_register else shadow.when
        assert predicate is not None
        outcome.shadow = predicate.test(ctx)
    return outcome
