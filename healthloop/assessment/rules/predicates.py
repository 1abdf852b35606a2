"""The predicate language screening rules are written in (docs/screening.md, "Rule language").

A predicate is a small JSON object; ``compile_predicate`` turns it into an object whose
``test(ctx)`` returns the evidence (a list of dicts, possibly empty) when it holds for the
person, or None when it does not. ``collect(needs)`` says what the engine must fetch.
Combinators: ``all``, ``any``, ``not``. Leaves: item values, text findings, model results,
conditions, medications, questionnaire answers, registers, findings, sex, age, trend, overdue.
"""

import re
from typing import Any

from healthloop.assessment.engine.facts import Needs, Obs
from healthloop.assessment.rules.base import (
    Context,
    Evidence,
    Predicate,
    RuleDefinitionError,
    local_date,
    obs_evidence,
    ops_hold,
    parse_ops,
)
from healthloop.assessment.rules.temporal import OverduePredicate, TrendPredicate

NEGATIONS = ("未见", "未发现", "未探及", "未提示", "无", "排除", "否认", "不考虑")
_SENTENCE = re.compile(r"[。；;\n]")


def _codes(raw: Any, path: str) -> tuple[str, ...]:
    values = [raw] if isinstance(raw, str) else raw
    if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
        raise RuleDefinitionError(path, "应为非空的字符串列表")
    return tuple(values)


class Combinator(Predicate):
    def __init__(self, mode: str, children: list[Predicate]) -> None:
        self.mode, self.children = mode, children

    def test(self, ctx: Context) -> Evidence | None:
        if self.mode == "not":
            return [] if self.children[0].test(ctx) is None else None
        evidence: Evidence = []
        matched = False
        for child in self.children:
            found = child.test(ctx)
            if found is None and self.mode == "all":
                return None
            if found is not None:
                matched = True
                evidence.extend(found)
        return evidence if matched else None

    def collect(self, needs: Needs) -> None:
        for child in self.children:
            child.collect(needs)


class ItemPredicate(Predicate):
    """The latest in-window value of an item (or of any of ``items``): numeric thresholds,
    coded answers or laboratory flags, optionally only for one sex or an age band."""

    def __init__(self, raw: dict[str, Any], path: str) -> None:
        self.items = _codes(raw.get("item") or raw.get("items"), f"{path}.item")
        self.ops = parse_ops(raw, path)
        self.codes = (
            {c.upper() for c in _codes(raw["codes"], f"{path}.codes")} if ("codes" in raw) else None
        )
        self.flags = set(_codes(raw["flags"], f"{path}.flags")) if "flags" in raw else None
        self.sex = raw.get("sex")
        self.age_min, self.age_max = raw.get("age_min"), raw.get("age_max")
        self.demographic = bool(self.sex) or self.age_min is not None or self.age_max is not None
        if not (self.ops or self.codes or self.flags):
            raise RuleDefinitionError(path, "需要阈值(gt/gte/lt/lte)、codes或flags之一")

    def _person_applies(self, ctx: Context) -> bool:
        if not self.demographic:
            return True
        age = ctx.facts.age
        if self.sex and ctx.facts.sex != self.sex:
            return False
        if self.age_min is not None and (age is None or age < self.age_min):
            return False
        return self.age_max is None or (age is not None and age <= self.age_max)

    def _holds(self, obs: Obs) -> bool:
        if self.ops and not ops_hold(self.ops, obs.value):
            return False
        if self.codes is not None and obs.code.upper() not in self.codes:
            return False
        return self.flags is None or obs.flag in self.flags

    def test(self, ctx: Context) -> Evidence | None:
        if not self._person_applies(ctx):
            return None
        latest = ctx.facts.latest
        found = None
        for code in self.items:
            obs = latest.get(code)
            if obs is not None and self._holds(obs):
                found = found or []
                found.append(obs_evidence(ctx, obs))
        return found

    def collect(self, needs: Needs) -> None:
        needs.latest.update(self.items)


def size_mm(text: str) -> float | None:
    """The largest dimension in '9.2×7.1mm', '1.2cm', '8 毫米'."""
    numbers = [float(n) for n in re.findall(r"\d+(?:\.\d+)?", text)]
    if not numbers:
        return None
    scale = 10.0 if re.search(r"cm|厘米", text, re.IGNORECASE) else 1.0
    return max(numbers) * scale


class TextPredicate(Predicate):
    """Free-text reports (imaging, ECG, ultrasound): keywords or a regular expression, per
    sentence, skipping a match preceded by a negation (未见, 无 …) in its own clause (the text
    since the last comma). With ``size_gte`` the pattern's ``size`` group is read in mm (cm
    converted), the largest dimension of "9.2×7.1mm"."""

    def __init__(self, raw: dict[str, Any], path: str) -> None:
        self.items = _codes(raw.get("items"), f"{path}.items")
        self.keywords = tuple(raw.get("keywords") or ())
        pattern = raw.get("pattern")
        try:
            self.pattern = re.compile(pattern, re.IGNORECASE) if pattern else None
        except re.error as exc:
            raise RuleDefinitionError(f"{path}.pattern", f"正则表达式无效：{exc}") from None
        self.size_gte = raw.get("size_gte")
        self.negations = tuple(raw.get("negations") or NEGATIONS)
        if not (self.keywords or self.pattern):
            raise RuleDefinitionError(path, "需要keywords或pattern")
        if self.size_gte is not None and (
            self.pattern is None or "size" not in self.pattern.groupindex
        ):
            raise RuleDefinitionError(f"{path}.size_gte", "size_gte需要带(?P<size>…)分组的pattern")

    def _match(self, sentence: str) -> tuple[int, float | None] | None:
        if self.pattern is not None:
            for match in self.pattern.finditer(sentence):
                size = size_mm(match.group("size")) if self.size_gte is not None else None
                if self.size_gte is None or (size is not None and size >= self.size_gte):
                    return match.start(), size
        for word in self.keywords:
            at = sentence.find(word)
            if at >= 0:
                return at, None
        return None

    def _negated(self, sentence: str, at: int) -> bool:
        """A negation between the start of the match's clause and the match."""
        clause_start = max(sentence.rfind(sep, 0, at) for sep in "，,") + 1
        return any(word in sentence[clause_start:at] for word in self.negations)

    def test(self, ctx: Context) -> Evidence | None:
        found = []
        for code in self.items:
            obs = ctx.facts.latest.get(code)
            if obs is None or not obs.text:
                continue
            for sentence in _SENTENCE.split(obs.text):
                hit = self._match(sentence)
                if hit is None or self._negated(sentence, hit[0]):
                    continue
                extra: dict[str, Any] = {"matched": sentence.strip()[:200]}
                if hit[1] is not None:
                    extra["size_mm"] = hit[1]
                found.append(obs_evidence(ctx, obs, **extra))
                break
        return found or None

    def collect(self, needs: Needs) -> None:
        needs.latest.update(self.items)


class ModelPredicate(Predicate):
    def __init__(self, raw: dict[str, Any], path: str) -> None:
        self.model = raw["model"]
        self.ops = parse_ops(raw, path)
        self.categories = set(raw["categories"]) if "categories" in raw else None
        self.colours = set(raw["colours"]) if "colours" in raw else None
        self.details = dict(raw.get("details") or {})
        self.details_any = raw.get("details_any")

    def test(self, ctx: Context) -> Evidence | None:
        run = ctx.models.get(self.model)
        if run is None or run.status != "complete":
            return None
        if self.ops and not ops_hold(self.ops, run.value):
            return None
        if self.categories is not None and run.category not in self.categories:
            return None
        if self.colours is not None and run.colour not in self.colours:
            return None
        details = run.details
        if any(details.get(k) != v for k, v in self.details.items()):
            return None
        if self.details_any is not None and not details.get(self.details_any):
            return None
        return [{
            "type": "model", "model": run.model, "version": run.version, "value": run.value,
            "unit": run.result.get("unit"), "category": run.category,
            "label": run.result.get("label", ""), "colour": run.colour, "hash": run.input_hash,
        }]  # fmt: skip

    def collect(self, needs: Needs) -> None:
        needs.models.add(self.model)


class RecordPredicate(Predicate):
    """Active conditions by ICD-10 prefix, or active medications by drug class."""

    def __init__(self, kind: str, values: tuple[str, ...]) -> None:
        self.kind, self.values = kind, tuple(v.upper() for v in values)

    def test(self, ctx: Context) -> Evidence | None:
        if self.kind == "condition":
            found = [
                {"type": "condition", "id": cid, "icd10": icd}
                for cid, icd in ctx.facts.conditions
                if icd.startswith(self.values)
            ]
        else:
            found = [{"type": "medication", "id": mid, "drug_class": cls}
                     for mid, cls, active in ctx.facts.medications
                     if active and cls.upper() in self.values]  # fmt: skip
        return found or None

    def collect(self, needs: Needs) -> None:
        return None


class QuestionnairePredicate(Predicate):
    """An answer of the latest response: ``item`` is 1-based (PHQ-9 item 9 is 9)."""

    def __init__(self, raw: dict[str, Any], path: str) -> None:
        self.instrument = raw["questionnaire"]
        self.item = raw.get("item")
        self.ops = parse_ops(raw, path)

    def test(self, ctx: Context) -> Evidence | None:
        response = ctx.facts.questionnaires.get(self.instrument)
        if response is None:
            return None
        rid, answers, at = response
        answer = None
        if self.item is not None:
            if not isinstance(answers, list) or len(answers) < self.item:
                return None
            answer = answers[self.item - 1]
            if isinstance(answer, bool) or not isinstance(answer, int | float):
                return None
            if not ops_hold(self.ops, float(answer)):
                return None
        return [
            {
                "type": "questionnaire",
                "id": rid,
                "instrument": self.instrument,
                "item": self.item,
                "answer": answer,
                "at": local_date(at).isoformat(),
            }
        ]

    def collect(self, needs: Needs) -> None:
        needs.questionnaires.add(self.instrument)


class StatePredicate(Predicate):
    """This evaluation's own results: a register membership or findings raised."""

    def __init__(self, kind: str, raw: Any) -> None:
        self.kind, self.raw = kind, raw

    def test(self, ctx: Context) -> Evidence | None:
        if self.kind == "register":
            return [] if ctx.registers.get(self.raw) else None
        found = [
            {"type": "finding", "rule": hit.rule.code, "major_class": hit.rule.major_class,
             "severity": hit.rule.severity, "title": hit.rule.title}
            for hit in ctx.hits
            if all(getattr(hit.rule, key) in values for key, values in self.raw.items())
        ]  # fmt: skip
        return found or None

    def collect(self, needs: Needs) -> None:
        if self.kind == "register":
            needs.registers.add(self.raw)
        else:
            needs.findings = True


class PersonPredicate(Predicate):
    def __init__(self, sex: str | None, ops: list[tuple[str, float]]) -> None:
        self.sex, self.ops = sex, ops

    def test(self, ctx: Context) -> Evidence | None:
        if self.sex is not None:
            return [] if ctx.facts.sex == self.sex else None
        age = ctx.facts.age
        return [] if age is not None and ops_hold(self.ops, float(age)) else None

    def collect(self, needs: Needs) -> None:
        return None


_FINDING_KEYS = {"major_class", "severity", "disease", "code", "kind"}


def compile_predicate(raw: Any, path: str = "when") -> Predicate:
    if not isinstance(raw, dict) or not raw:
        raise RuleDefinitionError(path, "条件必须是非空对象")
    if "all" in raw or "any" in raw:
        mode = "all" if "all" in raw else "any"
        children = raw[mode]
        if not isinstance(children, list) or not children:
            raise RuleDefinitionError(f"{path}.{mode}", "应为非空列表")
        return Combinator(
            mode, [compile_predicate(c, f"{path}.{mode}[{i}]") for i, c in enumerate(children)]
        )
    if "not" in raw:
        return Combinator("not", [compile_predicate(raw["not"], f"{path}.not")])
    if "questionnaire" in raw:
        return QuestionnairePredicate(raw, path)
    if "item" in raw or "items" in raw:
        return ItemPredicate(raw, path)
    if "text" in raw:
        return TextPredicate(raw["text"], f"{path}.text")
    if "model" in raw:
        return ModelPredicate(raw, path)
    if "condition" in raw or "medication" in raw:
        kind = "condition" if "condition" in raw else "medication"
        return RecordPredicate(kind, _codes(raw[kind], f"{path}.{kind}"))
    if "register" in raw:
        return StatePredicate("register", raw["register"])
    if "finding" in raw:
        spec = raw["finding"]
        if not isinstance(spec, dict) or not set(spec) <= _FINDING_KEYS:
            raise RuleDefinitionError(f"{path}.finding", f"可用键：{sorted(_FINDING_KEYS)}")
        return StatePredicate("finding", {k: set(_codes(v, path)) for k, v in spec.items()})
    if "sex" in raw:
        return PersonPredicate(raw["sex"], [])
    if "age" in raw:
        return PersonPredicate(None, parse_ops(raw["age"], f"{path}.age"))
    if "trend" in raw:
        return TrendPredicate(raw["trend"], f"{path}.trend")
    if "overdue" in raw:
        return OverduePredicate(raw["overdue"], f"{path}.overdue")
    raise RuleDefinitionError(path, f"无法识别的条件：{sorted(raw)}")
