"""The health record: the exam-item catalog, encounters, observations and clinical facts.

Observation is the big table (tens of millions of rows). Each index costs every insert, so it
has only those the reads need: (person, item, effective_at) for one person's history of one
item, the latest value per item for a person and, by its prefix, everything of one person;
(item, effective_at) for population queries on one item; encounter for an exam's results;
unique uuid (public id) and source_key (duplicate detection). No single-column person or item
index: the composite indexes' prefixes serve those look-ups.
"""

from django.db import models

from healthloop.core.models import PublicModel
from healthloop.people.models import Person


class ExamItem(models.Model):
    """One measurable item of a physical exam (体检项目), in its catalog unit."""

    class ValueType(models.TextChoices):
        NUMERIC = "numeric", "数值"
        TEXT = "text", "文本"
        CODED = "coded", "编码"
        ORDINAL = "ordinal", "等级"

    code = models.CharField(max_length=40, unique=True, verbose_name="本地编码")
    name_zh = models.CharField(max_length=100, verbose_name="中文名")
    name_en = models.CharField(max_length=150, verbose_name="英文名")
    category = models.CharField(max_length=30, db_index=True, verbose_name="类别")
    loinc = models.CharField(max_length=20, null=True, blank=True, db_index=True)
    value_type = models.CharField(max_length=10, choices=ValueType.choices)
    unit = models.CharField(max_length=30, blank=True, verbose_name="单位(UCUM)")
    decimals = models.PositiveSmallIntegerField(default=2)
    plausible_min = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    plausible_max = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    critical_low = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    critical_high = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    answers = models.JSONField(default=list, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = "体检项目"
        verbose_name_plural = "体检项目"
        ordering = ["category", "code"]

    def __str__(self) -> str:
        return f"{self.name_zh} ({self.code})"


class ItemRange(models.Model):
    """A reference range for an item, by sex and (optionally) age band, ages inclusive."""

    item = models.ForeignKey(ExamItem, on_delete=models.CASCADE, related_name="ranges")
    sex = models.CharField(max_length=10, default="any")  # any / male / female
    age_min = models.PositiveSmallIntegerField(null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(null=True, blank=True)
    low = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    high = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)

    class Meta:
        verbose_name = "参考范围"
        verbose_name_plural = "参考范围"


class ItemAlias(models.Model):
    """A name or code a HIS/LIS system uses for the item; matched case-insensitively."""

    item = models.ForeignKey(ExamItem, on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField(max_length=100, unique=True)  # stored upper-cased

    class Meta:
        verbose_name = "别名"
        verbose_name_plural = "别名"


class ItemUnit(models.Model):
    """An alternate unit and how to convert it: catalog value = value × factor + offset."""

    item = models.ForeignKey(ExamItem, on_delete=models.CASCADE, related_name="alt_units")
    unit = models.CharField(max_length=30)
    factor = models.DecimalField(max_digits=18, decimal_places=10)
    offset = models.DecimalField(max_digits=14, decimal_places=6, default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "unit"], name="uniq_item_unit")]


class Encounter(PublicModel):
    class Kind(models.TextChoices):
        EXAM = "exam", "体检"
        OUTPATIENT = "outpatient", "门诊"
        INPATIENT = "inpatient", "住院"
        FOLLOWUP = "followup", "随访"
        SELF_REPORT = "self_report", "自报"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="encounters")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    occurred_at = models.DateTimeField(db_index=True)
    facility = models.CharField(max_length=100, blank=True)
    department = models.CharField(max_length=100, blank=True)
    exam_package = models.CharField(max_length=100, blank=True)
    summary = models.TextField(blank=True)  # 总检结论 for exams
    source_system = models.CharField(max_length=60, blank=True)
    source_id = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = "就诊/体检"
        verbose_name_plural = "就诊/体检"
        indexes = [models.Index(fields=["person", "occurred_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["source_system", "source_id"],
                condition=~models.Q(source_id=""),
                name="uniq_encounter_source",
            )
        ]


class Flag(models.TextChoices):
    NORMAL = "N", "正常"
    LOW = "L", "偏低"
    HIGH = "H", "偏高"
    CRITICAL_LOW = "LL", "危急低"
    CRITICAL_HIGH = "HH", "危急高"
    ABNORMAL = "A", "异常"


class Observation(PublicModel):
    class Status(models.TextChoices):
        FINAL = "final", "最终"
        AMENDED = "amended", "已更正"
        CANCELLED = "cancelled", "已取消"
        PRELIMINARY = "preliminary", "初步"

    # No index of their own: the (person, item, effective_at) and (item, effective_at) indexes
    # begin with these columns.
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="observations", db_index=False
    )
    encounter = models.ForeignKey(
        Encounter, null=True, blank=True, on_delete=models.PROTECT, related_name="observations"
    )
    item = models.ForeignKey(
        ExamItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    # The source's coding, kept as sent (LOINC or a local code) — for items outside our catalog
    # (e.g. a FHIR Observation with a LOINC code we do not screen on) and for audit.
    code_system = models.CharField(max_length=100, blank=True)
    code = models.CharField(max_length=60, blank=True)
    code_display = models.CharField(max_length=200, blank=True)
    value_num = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    value_text = models.TextField(blank=True)
    value_code = models.CharField(max_length=60, blank=True)
    unit = models.CharField(max_length=30, blank=True)
    ref_low = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    ref_high = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    ref_text = models.CharField(max_length=100, blank=True)
    flag = models.CharField(max_length=2, choices=Flag.choices, blank=True)
    effective_at = models.DateTimeField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.FINAL)
    source_message_id = models.CharField(max_length=100, blank=True)
    # Unique per source (import: system:exam:item; HL7: facility|order|code|sub-id); NULL for
    # results without one. A constraint rather than unique=True: no extra LIKE index.
    source_key = models.CharField(max_length=200, null=True, blank=True)

    class Meta:
        verbose_name = "检查结果"
        verbose_name_plural = "检查结果"
        indexes = [
            models.Index(fields=["person", "item", "effective_at"], name="obs_person_item_time"),
            models.Index(fields=["item", "effective_at"], name="obs_item_time"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["source_key"], name="uniq_observation_source_key")
        ]


class ObservationRevision(models.Model):
    """The earlier value of an observation that a correction or cancellation replaced."""

    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="revisions")
    revised_at = models.DateTimeField()
    previous = models.JSONField()
    reason = models.CharField(max_length=100, blank=True)
    source_message_id = models.CharField(max_length=100, blank=True)


class Condition(PublicModel):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="conditions")
    encounter = models.ForeignKey(Encounter, null=True, blank=True, on_delete=models.PROTECT)
    icd10 = models.CharField(max_length=20, db_index=True)
    name = models.CharField(max_length=200)
    onset_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, default="active")  # active / resolved
    source_system = models.CharField(max_length=60, blank=True)


class Medication(PublicModel):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="medications")
    name = models.CharField(max_length=200)
    atc_code = models.CharField(max_length=10, blank=True, db_index=True)
    # Class used by the models: antihypertensive, hypoglycemic, lipid_lowering, urate_lowering …
    drug_class = models.CharField(max_length=40, blank=True, db_index=True)
    dose = models.CharField(max_length=100, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, default="active")


class Allergy(PublicModel):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="allergies")
    substance = models.CharField(max_length=200)
    reaction = models.CharField(max_length=200, blank=True)
    severity = models.CharField(max_length=20, blank=True)


class FamilyHistory(PublicModel):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="family_history")
    relation = models.CharField(max_length=20)  # father, mother, sibling, child, grandparent
    icd10 = models.CharField(max_length=20, blank=True)
    condition = models.CharField(max_length=200)


class Lifestyle(PublicModel):
    """A time-stamped lifestyle fact: smoking, alcohol, exercise, diet, sleep."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="lifestyle")
    kind = models.CharField(max_length=20, db_index=True)
    value = models.CharField(max_length=100)
    detail = models.JSONField(default=dict, blank=True)
    recorded_at = models.DateTimeField()


class PendingAssessment(models.Model):
    """Persons whose record changed; written in the same transaction as the change and drained
    by the screening engine (assessment), which sits above records."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["created_at"])]
