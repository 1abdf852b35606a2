"""A dry run: the draft of a rule and its published version evaluated side by side over the
current population, through the engine's own set-based evaluation, writing nothing.

Only the models and facts the two versions (and the rules they read) need are computed.
Examples show the person's public id, sex, age and the evidence — no name: rule authors are
administrators, who do not browse clinical data.
"""

import datetime as dt
from typing import Any

from healthloop.assessment.engine.evaluate import Outcome
from healthloop.assessment.engine.run import evaluate_scope, population_batches
from healthloop.assessment.models import ScreeningRule
from healthloop.assessment.rules.active import add_needs, build_ruleset, dependencies
from healthloop.assessment.rules.base import Evidence, summarize
from healthloop.assessment.rules.ruleset import CompiledRule, compile_rule
from healthloop.core.clock import today

EXAMPLES = 5


def _draft_result(draft: CompiledRule, outcome: Outcome) -> Evidence | None:
    if draft.is_register:
        verdict = next(v for v in outcome.registers if v.rule.code == draft.code)
        return verdict.evidence if verdict.included else None
    hit = next((h for h in outcome.hits if h.rule.code == draft.code), None)
    return hit.evidence if hit is not None else None


def _example(outcome: Outcome, evidence: Evidence) -> dict[str, Any]:
    person = outcome.person
    return {
        "person": str(person.uuid),
        "sex": person.sex,
        "age": person.age,
        "evidence": summarize(evidence),
    }


def run_dry_run(
    draft: CompiledRule,
    current: CompiledRule | None,
    *,
    as_of: dt.date | None = None,
    batch_size: int = 5000,
) -> dict[str, Any]:
    as_of = as_of or today()
    published = [
        compile_rule(r)
        for r in ScreeningRule.objects.filter(status=ScreeningRule.Status.PUBLISHED)
        if r.code != draft.code
    ]
    rules = {r.code: r for r in dependencies(draft, published)}
    if current is not None:
        rules.update((r.code, r) for r in dependencies(current, published) if r is not current)
    rules[draft.code] = draft
    ruleset = build_ruleset(list(rules.values()), all_models=False)
    if current is not None:
        add_needs(ruleset, current)
    counts = {"population": 0, "flagged_before": 0, "flagged_after": 0, "newly_flagged": 0,
              "no_longer_flagged": 0}  # fmt: skip
    examples: dict[str, list[dict[str, Any]]] = {"newly_flagged": [], "no_longer_flagged": []}
    for scope in population_batches(batch_size):
        for outcome in evaluate_scope(scope, ruleset, as_of, shadow=current):
            after, before = _draft_result(draft, outcome), outcome.shadow
            counts["population"] += 1
            counts["flagged_before"] += before is not None
            counts["flagged_after"] += after is not None
            if after is not None and before is None:
                counts["newly_flagged"] += 1
                if len(examples["newly_flagged"]) < EXAMPLES:
                    examples["newly_flagged"].append(_example(outcome, after))
            elif before is not None and after is None:
                counts["no_longer_flagged"] += 1
                if len(examples["no_longer_flagged"]) < EXAMPLES:
                    examples["no_longer_flagged"].append(_example(outcome, before))
    return {
        "code": draft.code, "version": draft.version,
        "compared_with": current.version if current is not None else None,
        "as_of": as_of.isoformat(), **counts, "examples": examples,
    }  # fmt: skip
