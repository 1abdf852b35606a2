"""Facts derived from the record for the models: treated hypertension, diabetes, smoking,
family history, established cardiovascular disease. Each answers True, False or None
(unknown → the model input is reported missing, never guessed) and says how it decided."""

from functools import cached_property

from healthloop.assessment.engine.config import EngineConfig
from healthloop.assessment.engine.facts import Obs, PersonFacts


class Derived:
    def __init__(self, facts: PersonFacts, config: EngineConfig) -> None:
        self.f = facts
        self.cfg = config

    def value(self, code: str) -> float | None:
        obs = self.f.latest.get(code)
        return obs.value if obs is not None else None

    def obs(self, code: str) -> Obs | None:
        return self.f.latest.get(code)

    def condition(self, group: str) -> tuple[int, str] | None:
        prefixes = self.cfg.codes(group)
        for cid, icd in self.f.conditions:
            if icd.startswith(prefixes):
                return cid, icd
        return None

    def medication(self, drug_class: str, *, ever: bool = False) -> int | None:
        for mid, cls, active in self.f.medications:
            if cls == drug_class and (active or ever):
                return mid
        return None

    @cached_property
    def bp_treated(self) -> tuple[bool, str]:
        if self.medication("antihypertensive") is not None:
            return True, "在用降压药（用药记录）"
        return False, "用药记录中无在用降压药"

    @cached_property
    def smoker(self) -> tuple[bool | None, str]:
        fact = self.f.lifestyle.get("smoking")
        if fact is None:
            return None, "无吸烟情况记录"
        value = fact[1].strip().lower()
        if value in self.cfg.smoking_current:
            return True, f"吸烟：{fact[1]}（问卷 {fact[2].date().isoformat()}）"
        if value in self.cfg.smoking_not_current:
            return False, f"吸烟：{fact[1]}（问卷 {fact[2].date().isoformat()}）"
        return None, f"吸烟情况无法识别：{fact[1]}"

    @cached_property
    def diagnosed_diabetes(self) -> tuple[bool, str]:
        """Diagnosed or treated (condition or hypoglycaemic drug)."""
        condition = self.condition("diabetes")
        if condition is not None:
            return True, f"诊断{condition[1]}"
        if self.medication("hypoglycemic") is not None:
            return True, "在用降糖药"
        return False, "无糖尿病诊断或降糖药"

    @cached_property
    def diabetes(self) -> tuple[bool | None, str]:
        """Diagnosed, treated, or a value in the diabetes range; unknown without glucose."""
        known, why = self.diagnosed_diabetes
        if known:
            return True, why
        glu, a1c, ogtt = self.value("GLU"), self.value("HBA1C"), self.value("OGTT_2H")
        if (glu or 0) >= 7.0 or (a1c or 0) >= 6.5 or (ogtt or 0) >= 11.1:
            return True, "血糖/糖化血红蛋白达糖尿病诊断标准"
        if glu is None and a1c is None and ogtt is None:
            return None, "无糖尿病诊断，且窗口期内无血糖检测"
        return False, "无糖尿病诊断，血糖未达糖尿病标准"

    @cached_property
    def ascvd(self) -> tuple[int, str] | None:
        return self.condition("ascvd")

    @cached_property
    def clinical_cvd(self) -> tuple[bool, str]:
        condition = self.ascvd or self.condition("clinical_cvd_other")
        if condition is not None:
            return True, f"伴发临床疾病：{condition[1]}"
        fundus = self.obs("FUNDUS_HTN_GRADE")
        if fundus is not None and fundus.code in ("III", "IV"):
            return True, f"高血压眼底{fundus.code}级"
        return False, "记录中无伴发临床疾病"

    @cached_property
    def questionnaire_answered(self) -> bool:
        """A health questionnaire is on record (lifestyle facts or any family history)."""
        return bool(self.f.lifestyle) or bool(self.f.family)

    def _family(self, prefixes: tuple[str, ...], label: str) -> tuple[bool | None, str]:
        for _fid, relation, icd, condition in self.f.family:
            if relation in self.cfg.first_degree and icd.startswith(prefixes):
                return True, f"一级亲属（{relation}）患{condition or icd}"
        if self.questionnaire_answered:
            return False, f"问卷未报告一级亲属{label}"
        return None, "无家族史问卷记录"

    @cached_property
    def family_ascvd(self) -> tuple[bool | None, str]:
        return self._family(self.cfg.family_ascvd, "心脑血管病")

    @cached_property
    def family_diabetes(self) -> tuple[bool | None, str]:
        return self._family(self.cfg.family_diabetes, "糖尿病")
