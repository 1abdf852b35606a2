"""Model inputs from the record: one builder per calculator.

A builder names each input as calculator-api.md does, records where it came from (the
observation, or how a derived fact was decided) and lists what is missing. Missing required
inputs are never filled in: the Assessment is written with status "incomplete" and the list.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from healthloop.assessment.engine.derived import Derived

PLAQUE_CODES = ("STABLE", "VULNERABLE", "PRESENT")
LVH_WORDS = ("左心室肥厚", "左室肥厚", "左室高电压", "左心室高电压")


@dataclass
class Built:
    inputs: dict[str, Any] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sources: dict[str, Any] = field(default_factory=dict)
    not_applicable: str = ""

    def item(self, d: Derived, name: str, code: str, *, required: bool = True) -> float | None:
        obs = d.obs(code)
        if obs is None or obs.value is None:
            if required:
                self.missing.append(name)
            return None
        self.inputs[name] = obs.value
        self.sources[name] = [code, obs.id]
        return obs.value

    def fact(self, name: str, answer: tuple[Any, str], *, required: bool = True) -> Any:
        value, why = answer
        self.notes.append(f"{name}: {why}")
        if value is None:
            if required:
                self.missing.append(name)
            return None
        self.inputs[name] = value
        return value

    def person(self, d: Derived, *, age: bool = True, sex: bool = True) -> None:
        if sex:
            if d.f.sex in ("male", "female"):
                self.inputs["sex"] = d.f.sex
            else:
                self.missing.append("sex")
        if age:
            if d.f.age is None:
                self.missing.append("age")
            else:
                self.inputs["age"] = d.f.age

    def bmi(self, d: Derived, *, required: bool = True) -> None:
        if self.item(d, "bmi", "BMI", required=False) is not None:
            return
        height, weight = d.obs("HEIGHT"), d.obs("WEIGHT")
        if height is not None and weight is not None:
            self.item(d, "height_cm", "HEIGHT")
            self.item(d, "weight_kg", "WEIGHT")
        elif required:
            self.missing.append("bmi")


Builder = Callable[[Derived, dict[str, Any]], Built]


def china_par(d: Derived, done: dict[str, Any]) -> Built:
    b = Built()
    if d.ascvd is not None:
        b.not_applicable = (
            f"已确诊动脉粥样硬化性心血管病（{d.ascvd[1]}），直接列为极高危，不做10年风险评估"
        )
        return b
    b.person(d)
    for name, code in (("sbp", "SBP"), ("tc", "TC"), ("hdl_c", "HDL_C"), ("waist_cm", "WAIST")):
        b.item(d, name, code)
    b.fact("bp_treated", d.bp_treated)
    b.fact("smoker", d.smoker)
    b.fact("diabetes", d.diabetes)
    b.fact("north", (d.cfg.site_north, d.cfg.site_note or "本院配置"))
    if d.f.sex == "male":
        b.fact("urban", (d.cfg.site_urban, d.cfg.site_note or "本院配置"))
        b.fact("family_history_ascvd", d.family_ascvd)
    return b


def _risk_factors(d: Derived, b: Built) -> int:
    """Other cardiovascular risk factors of the 2018 hypertension guideline (not BP)."""
    count, unassessed = 0, []
    if d.f.age is not None and d.f.age > (55 if d.f.sex == "male" else 65):
        count += 1
        b.notes.append("危险因素：年龄")
    smoker = d.smoker[0]
    count += bool(smoker)
    if smoker is None:
        unassessed.append("吸烟")
    glu, ogtt = d.value("GLU"), d.value("OGTT_2H")
    if d.diabetes[0] is not True:
        if glu is None and ogtt is None:
            unassessed.append("糖耐量/空腹血糖")
        elif 6.1 <= (glu or 0) < 7.0 or 7.8 <= (ogtt or 0) < 11.1:
            count += 1
            b.notes.append("危险因素：糖耐量受损和/或空腹血糖异常")
    tc, ldl, hdl = d.value("TC"), d.value("LDL_C"), d.value("HDL_C")
    if tc is None and ldl is None and hdl is None:
        unassessed.append("血脂")
    elif (tc or 0) >= 5.2 or (ldl or 0) >= 3.4 or (hdl is not None and hdl < 1.0):
        count += 1
        b.notes.append("危险因素：血脂异常")
    family = d.family_ascvd[0]
    count += bool(family)
    if family is None:
        unassessed.append("早发心血管病家族史")
    elif family:
        b.notes.append("危险因素：心血管病家族史（发病年龄未记录）")
    waist, bmi = d.value("WAIST"), d.value("BMI")
    if waist is None and bmi is None:
        unassessed.append("腹型肥胖/肥胖")
    elif (waist or 0) >= (90 if d.f.sex == "male" else 85) or (bmi or 0) >= 28:
        count += 1
        b.notes.append("危险因素：腹型肥胖或肥胖")
    if (d.value("HCY") or 0) >= 15:
        count += 1
        b.notes.append("危险因素：高同型半胱氨酸血症")
    if unassessed:
        b.notes.append("未能评估的危险因素（按无计）：" + "、".join(unassessed))
    return count


def _organ_damage(d: Derived, b: Built, egfr: float | None) -> bool:
    scr = d.value("CREA")
    low, high = (115, 133) if d.f.sex == "male" else (107, 124)
    imt, acr = d.value("CAROTID_IMT"), d.value("U_ACR")
    plaque = d.obs("CAROTID_PLAQUE")
    ecg = d.obs("ECG_CONCLUSION")
    found = [
        text for hit, text in (
            (egfr is not None and 30 <= egfr < 60, "eGFR 30–59"),
            (scr is not None and low <= scr <= high, "血肌酐轻度升高"),
            (acr is not None and acr >= 30, "尿白蛋白/肌酐比值 ≥ 30 mg/g"),
            (imt is not None and imt >= 0.9, "颈动脉IMT ≥ 0.9 mm"),
            (plaque is not None and plaque.code in PLAQUE_CODES, "颈动脉斑块"),
            (ecg is not None and any(w in ecg.text for w in LVH_WORDS), "心电图左心室肥厚"),
        ) if hit
    ]  # fmt: skip
    b.notes.append("靶器官损害：" + ("、".join(found) if found else "现有检查未见"))
    return bool(found)


CKD_STAGES = {"G1": 0, "G2": 0, "G3a": 3, "G3b": 3, "G4": 4, "G5": 5}


def htn_risk_2018(d: Derived, done: dict[str, Any]) -> Built:
    b = Built()
    b.item(d, "sbp", "SBP")
    b.item(d, "dbp", "DBP")
    ckd = done.get("ckd_epi_2021")
    egfr = ckd.value if ckd is not None and ckd.status == "complete" else None
    b.inputs["risk_factor_count"] = _risk_factors(d, b)
    b.inputs["target_organ_damage"] = _organ_damage(d, b, egfr)
    diabetes = b.fact("diabetes", d.diabetes)
    if diabetes is not None:
        dr = d.obs("FUNDUS_DR_GRADE")
        complicated = d.condition("diabetes_complicated") is not None or (
            dr is not None and dr.code not in ("", "NONE")
        )
        b.inputs["diabetes"] = (
            "none" if not diabetes else "complicated" if complicated else "uncomplicated"
        )
    if ckd is None or ckd.status != "complete":
        b.missing.append("ckd_stage")
    else:
        stage = CKD_STAGES.get(ckd.category, 0)
        acr = d.value("U_ACR")
        if stage == 0 and acr is not None and acr >= 30:
            stage = 1 if ckd.category == "G1" else 2
        b.inputs["ckd_stage"] = stage
        b.notes.append(f"ckd_stage: eGFR {egfr:.1f} ({ckd.category}) → {stage}")
    b.fact("clinical_cvd", d.clinical_cvd)
    return b


def ckd_epi_2021(d: Derived, done: dict[str, Any]) -> Built:
    b = Built()
    b.person(d)
    b.item(d, "scr", "CREA")
    b.item(d, "acr", "U_ACR", required=False)
    return b


def _at_least_one(d: Derived, pairs: tuple[tuple[str, str], ...]) -> Built:
    b = Built()
    for name, code in pairs:
        b.item(d, name, code, required=False)
    if not b.inputs:
        b.missing.extend(name for name, _ in pairs)
    return b


def glycemic_status(d: Derived, done: dict[str, Any]) -> Built:
    return _at_least_one(d, (("fpg", "GLU"), ("ogtt_2h", "OGTT_2H"), ("hba1c", "HBA1C")))


def lipid_class(d: Derived, done: dict[str, Any]) -> Built:
    return _at_least_one(d, (("tc", "TC"), ("ldl_c", "LDL_C"), ("hdl_c", "HDL_C"), ("tg", "TG")))


def uric_acid_class(d: Derived, done: dict[str, Any]) -> Built:
    b = Built()
    b.item(d, "uric_acid", "UA")
    if d.f.sex in ("male", "female"):
        b.inputs["sex"] = d.f.sex
    return b


def bmi_class(d: Derived, done: dict[str, Any]) -> Built:
    b = Built()
    b.bmi(d)
    if b.item(d, "waist_cm", "WAIST", required=False) is not None:
        b.person(d, age=False)
    return b


def metabolic_syndrome(d: Derived, done: dict[str, Any]) -> Built:
    b = Built()
    b.person(d, age=False)
    for name, code in (("waist_cm", "WAIST"), ("fpg", "GLU"), ("sbp", "SBP"), ("dbp", "DBP"),
                       ("tg", "TG"), ("hdl_c", "HDL_C")):  # fmt: skip
        b.item(d, name, code)
    b.item(d, "ogtt_2h", "OGTT_2H", required=False)
    b.fact("diabetes", d.diagnosed_diabetes)
    b.fact("bp_treated", d.bp_treated)
    return b


def cdrs(d: Derived, done: dict[str, Any]) -> Built:
    b = Built()
    if d.diabetes[0]:
        b.not_applicable = f"已有糖尿病（{d.diabetes[1]}），不做糖尿病风险评分"
        return b
    b.person(d)
    b.item(d, "waist_cm", "WAIST")
    b.item(d, "sbp", "SBP")
    b.bmi(d)
    b.fact("family_history_diabetes", d.family_diabetes)
    return b


def questionnaire(instrument: str) -> Builder:
    """Answers as stored: a list (phq9, gad7, pss10) or an object (psqi, tcm_constitution)."""

    def build(d: Derived, done: dict[str, Any]) -> Built:
        b = Built()
        response = d.f.questionnaires.get(instrument)
        if response is None:
            b.missing.append("answers")
            return b
        rid, answers, _at = response
        if instrument == "psqi" and isinstance(answers, dict):
            b.inputs.update(answers)
        else:
            b.inputs["answers"] = answers
        if instrument == "tcm_constitution":
            b.person(d, age=False)
        b.sources["answers"] = ["questionnaire", rid]
        return b

    return build


QUESTIONNAIRE_MODELS = frozenset(("phq9", "gad7", "pss10", "psqi", "tcm_constitution"))

BUILDERS: dict[str, Builder] = {
    "china_par": china_par,
    "htn_risk_2018": htn_risk_2018,
    "ckd_epi_2021": ckd_epi_2021,
    "glycemic_status": glycemic_status,
    "lipid_class": lipid_class,
    "uric_acid_class": uric_acid_class,
    "bmi_class": bmi_class,
    "metabolic_syndrome": metabolic_syndrome,
    "cdrs": cdrs,
    **{name: questionnaire(name) for name in sorted(QUESTIONNAIRE_MODELS)},
}

# Items each builder may read (the engine fetches them when the model is needed).
MODEL_ITEMS: dict[str, tuple[str, ...]] = {
    "china_par": ("SBP", "TC", "HDL_C", "WAIST", "GLU", "HBA1C", "OGTT_2H"),
    "htn_risk_2018": (
        "SBP", "DBP", "GLU", "OGTT_2H", "HBA1C", "TC", "LDL_C", "HDL_C", "WAIST", "BMI", "HCY",
        "CREA", "U_ACR", "CAROTID_IMT", "CAROTID_PLAQUE", "ECG_CONCLUSION", "FUNDUS_DR_GRADE",
        "FUNDUS_HTN_GRADE",
    ),
    "ckd_epi_2021": ("CREA", "U_ACR"),
    "glycemic_status": ("GLU", "OGTT_2H", "HBA1C"),
    "lipid_class": ("TC", "LDL_C", "HDL_C", "TG"),
    "uric_acid_class": ("UA",),
    "bmi_class": ("BMI", "HEIGHT", "WEIGHT", "WAIST"),
    "metabolic_syndrome": ("WAIST", "GLU", "OGTT_2H", "SBP", "DBP", "TG", "HDL_C"),
    "cdrs": ("WAIST", "SBP", "BMI", "HEIGHT", "WEIGHT", "GLU", "HBA1C", "OGTT_2H"),
}  # fmt: skip
# Models a builder reads the result of (run first).
MODEL_DEPENDS: dict[str, tuple[str, ...]] = {"htn_risk_2018": ("ckd_epi_2021",)}
