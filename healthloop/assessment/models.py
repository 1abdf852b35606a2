"""Screening rules (versioned data), questionnaire responses and what the engine writes.

What the engine writes, per person:
- ``Assessment``: one run of one model; a new row only when the inputs or the model version
  changed (``input_hash``), the previous row kept with ``is_current`` false.
- ``RiskLevel``: the current four-colour level per disease.
- ``RegisterEntry`` (台账) per disease, with its history in ``RegisterEvent``.
- ``Finding``: one per rule hit, deduplicated by ``dedupe_key`` (rule code + evidence
  identity), so that an unchanged hit is never raised twice.

Person-unique models resolve merges in ``merge_person_rows`` (see people.services).
"""

from django.conf import settings
from django.db import models

from healthloop.core.models import PublicModel, TimestampedModel
from healthloop.people.models import Person


class RuleKind(models.TextChoices):
    THRESHOLD = "threshold", "异常阈值"
    CRITICAL_VALUE = "critical_value", "危急值"
    MAJOR_FINDING = "major_finding", "重要异常结果"
    TREND = "trend", "趋势"
    OVERDUE = "overdue", "逾期复查"
    MODEL = "model", "模型结果"
    TEXT_FINDING = "text_finding", "文本所见"
    QUESTIONNAIRE = "questionnaire", "问卷"
    REGISTER = "register", "台账纳入"


class Severity(models.TextChoices):
    CRITICAL = "critical", "危急"
    HIGH = "high", "高"
    MEDIUM = "medium", "中"
    LOW = "low", "低"


class Verification(models.TextChoices):
    CONSENSUS_2019 = "consensus_2019", "2019重要异常结果专家共识（已核实）"
    GUIDELINE = "guideline", "指南（已核实）"
    UNVERIFIED = "unverified", "待核实"
    LOCAL = "local", "本院规则"


class Colour(models.TextChoices):
    RED = "red", "红"
    ORANGE = "orange", "橙"
    YELLOW = "yellow", "黄"
    GREEN = "green", "绿"


class Disease(models.TextChoices):
    HYPERTENSION = "hypertension", "高血压"
    DIABETES = "diabetes", "糖尿病"
    PREDIABETES = "prediabetes", "糖尿病前期"
    DYSLIPIDEMIA = "dyslipidemia", "血脂异常"
    HIGH_CV_RISK = "high_cv_risk", "心血管病高危"
    CKD = "ckd", "慢性肾脏病"
    HYPERURICEMIA = "hyperuricemia", "高尿酸血症"
    OBESITY = "obesity", "肥胖"
    FATTY_LIVER = "fatty_liver", "脂肪肝"
    MAJOR_FINDING = "major_finding", "重要异常结果随访"
    TUMOUR_MARKER = "tumour_marker", "肿瘤标志物异常"
    MENTAL_HEALTH = "mental_health", "抑郁/焦虑筛查阳性"


class ScreeningRule(models.Model):
    """One version of one rule. Editing creates a new draft version; publishing retires the
    previously published one, so at most one version per code is published."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"
        RETIRED = "retired", "已停用"

    class Origin(models.TextChoices):
        YAML = "yaml", "系统默认(YAML)"
        ADMIN = "admin", "管理员编辑"

    code = models.CharField(max_length=60, verbose_name="规则编码")
    version = models.PositiveIntegerField(verbose_name="版本")
    kind = models.CharField(max_length=20, choices=RuleKind.choices, verbose_name="类型")
    title = models.CharField(max_length=200, verbose_name="名称")
    disease = models.CharField(max_length=30, blank=True, verbose_name="病种")
    severity = models.CharField(max_length=10, choices=Severity.choices, blank=True)
    major_class = models.CharField(max_length=1, blank=True, verbose_name="重要异常分类(A/B)")
    definition = models.JSONField(verbose_name="定义")
    advice = models.TextField(blank=True, verbose_name="建议模板")
    source = models.TextField(blank=True, verbose_name="来源")
    verification = models.CharField(max_length=20, choices=Verification.choices)
    protected = models.BooleanField(default=False, verbose_name="受保护(不可停用或改变条件)")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    origin = models.CharField(max_length=10, choices=Origin.choices)
    yaml_hash = models.CharField(max_length=64, blank=True)
    note = models.CharField(max_length=300, blank=True, verbose_name="修改说明")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    retired_at = models.DateTimeField(null=True, blank=True)
    dry_run = models.JSONField(null=True, blank=True)
    dry_run_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "筛查规则"
        verbose_name_plural = "筛查规则"
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="uniq_rule_version"),
            # Enforced by the database where partial indexes exist (PostgreSQL, SQLite); the
            # publishing service also serialises on the code's rows everywhere.
            models.UniqueConstraint(
                fields=["code"], condition=models.Q(status="published"), name="one_published_rule"
            ),
        ]
        indexes = [models.Index(fields=["status", "kind"])]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"


class QuestionnaireResponse(PublicModel):
    """A person's answers to one instrument (phq9, gad7, pss10, psqi, tcm_constitution), or
    to a questionnaire we do not score (``instrument`` empty: kept as sent, e.g. from FHIR).

    ``answers`` is the calculator-api.md input of the instrument; ``items`` the FHIR answer
    tree as a feed sent it (linkId, text, answer[value[x]]); ``source_key`` makes re-sending
    the same response (same identifier) change nothing."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="questionnaire_responses"
    )
    instrument = models.CharField(max_length=30, db_index=True, blank=True)
    answers = models.JSONField()
    answered_at = models.DateTimeField()
    source = models.CharField(max_length=60, blank=True)
    questionnaire = models.CharField(max_length=255, blank=True)  # canonical URL, if sent
    status = models.CharField(max_length=20, default="completed")
    items = models.JSONField(null=True, blank=True)
    identifier_system = models.CharField(max_length=255, blank=True)
    identifier_value = models.CharField(max_length=200, blank=True)
    source_key = models.CharField(max_length=200, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = "问卷答卷"
        verbose_name_plural = "问卷答卷"
        indexes = [models.Index(fields=["person", "instrument", "answered_at"])]


class Assessment(models.Model):
    class Status(models.TextChoices):
        COMPLETE = "complete", "已评估"
        INCOMPLETE = "incomplete", "缺少输入"
        NOT_APPLICABLE = "not_applicable", "不适用"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="assessments")
    model = models.CharField(max_length=40)
    version = models.CharField(max_length=20)
    status = models.CharField(max_length=20, choices=Status.choices)
    inputs = models.JSONField(default=dict)  # snapshot: inputs, sources, derivation notes
    missing = models.JSONField(default=list)
    result = models.JSONField(default=dict)  # calculator-api.md result object, or {"error"}
    value = models.FloatField(null=True)
    category = models.CharField(max_length=30, blank=True)
    colour = models.CharField(max_length=10, blank=True)
    input_hash = models.CharField(max_length=64)
    is_current = models.BooleanField(default=True)
    assessed_at = models.DateTimeField()

    class Meta:
        verbose_name = "评估"
        verbose_name_plural = "评估"
        indexes = [models.Index(fields=["person", "model", "is_current"], name="assess_current")]

    @classmethod
    def merge_person_rows(cls, survivor: Person, duplicate: Person) -> int:
        """Keep the duplicate's history; the survivor's re-screening decides what is current."""
        return cls.objects.filter(person=duplicate).update(person=survivor, is_current=False)


class RiskLevel(TimestampedModel):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="risk_levels")
    disease = models.CharField(max_length=30, choices=Disease.choices)
    colour = models.CharField(max_length=10, choices=Colour.choices)
    label = models.CharField(max_length=100)
    basis = models.JSONField(default=list)
    rule_code = models.CharField(max_length=60)
    rule_version = models.PositiveIntegerField()
    digest = models.CharField(max_length=64)  # of colour, label, basis and rule version

    class Meta:
        verbose_name = "风险等级"
        verbose_name_plural = "风险等级"
        constraints = [
            models.UniqueConstraint(fields=["person", "disease"], name="uniq_risk_level")
        ]

    @classmethod
    def merge_person_rows(cls, survivor: Person, duplicate: Person) -> int:
        """Current levels are derived data: drop the duplicate's and re-screen the survivor."""
        from healthloop.records.services import mark_pending

        count, _ = cls.objects.filter(person=duplicate).delete()
        mark_pending([survivor.pk], reason="person_merged")
        return count


class RegisterEntry(TimestampedModel):
    """A person's place on one disease register; manual decisions outrank the engine's."""

    class Status(models.TextChoices):
        INCLUDED = "included", "在册"
        EXCLUDED = "excluded", "移出"

    class Source(models.TextChoices):
        AUTO = "auto", "自动"
        MANUAL = "manual", "人工"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="register_entries")
    disease = models.CharField(max_length=30, choices=Disease.choices)
    status = models.CharField(max_length=10, choices=Status.choices)
    source = models.CharField(max_length=10, choices=Source.choices)
    reason = models.CharField(max_length=300, blank=True)
    qualifies = models.BooleanField(default=False)  # the engine's last verdict
    level = models.CharField(max_length=10, blank=True)  # colour of the disease's risk level
    basis = models.JSONField(default=list)
    rule_code = models.CharField(max_length=60, blank=True)
    rule_version = models.PositiveIntegerField(null=True)
    included_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = "台账条目"
        verbose_name_plural = "台账条目"
        constraints = [
            models.UniqueConstraint(fields=["person", "disease"], name="uniq_register_entry")
        ]
        indexes = [models.Index(fields=["disease", "status", "level"])]

    @classmethod
    def merge_person_rows(cls, survivor: Person, duplicate: Person) -> int:
        """Non-conflicting entries move; on a conflict the manual decision (else the
        survivor's) is kept and the other entry's history moves onto it."""
        moved = 0
        kept = {e.disease: e for e in cls.objects.filter(person=survivor)}
        for entry in cls.objects.filter(person=duplicate):
            other = kept.get(entry.disease)
            if other is None:
                entry.person = survivor
                entry.save(update_fields=["person", "updated_at"])
            elif entry.source == cls.Source.MANUAL and other.source == cls.Source.AUTO:
                RegisterEvent.objects.filter(entry=other).update(entry=entry)
                other.delete()
                entry.person = survivor
                entry.save(update_fields=["person", "updated_at"])
            else:
                RegisterEvent.objects.filter(entry=entry).update(entry=other)
                entry.delete()
            moved += 1
        return moved


class RegisterEvent(models.Model):
    """The history of a register entry: every inclusion and exclusion, by whom and why."""

    entry = models.ForeignKey(RegisterEntry, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10)
    source = models.CharField(max_length=10)
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]


class Finding(PublicModel):
    """One rule hit for one person. ``raised_at`` is when it last became open (created or
    reopened): the closing-the-loop drain picks up findings raised since its watermark.
    ``last_seen_at`` is the last evaluation that changed it (raised, updated, reopened); an
    open finding held at every evaluation since (evaluations resolve what no longer holds)."""

    class Status(models.TextChoices):
        OPEN = "open", "待处理"
        RESOLVED = "resolved", "已消除"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="findings")
    rule = models.ForeignKey(ScreeningRule, on_delete=models.PROTECT, related_name="+")
    rule_code = models.CharField(max_length=60)
    rule_version = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=RuleKind.choices)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    major_class = models.CharField(max_length=1, blank=True)
    disease = models.CharField(max_length=30, blank=True)
    title = models.CharField(max_length=200)
    evidence = models.JSONField(default=list)
    advice = models.TextField(blank=True)
    dedupe_key = models.CharField(max_length=64)
    content_hash = models.CharField(max_length=64)  # evidence + advice + rule version
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    first_seen_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    raised_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "筛查发现"
        verbose_name_plural = "筛查发现"
        constraints = [
            models.UniqueConstraint(fields=["person", "dedupe_key"], name="uniq_finding_key")
        ]
        indexes = [
            models.Index(fields=["status", "severity", "raised_at"], name="finding_queue"),
            models.Index(fields=["rule_code", "status"], name="finding_rule"),
            models.Index(fields=["person", "status"], name="finding_person"),
        ]

    @classmethod
    def merge_person_rows(cls, survivor: Person, duplicate: Person) -> int:
        """Move findings; a hit both persons carry stays once (the survivor's)."""
        taken = set(cls.objects.filter(person=survivor).values_list("dedupe_key", flat=True))
        clash = cls.objects.filter(person=duplicate, dedupe_key__in=taken)
        for finding in clash:
            finding.dedupe_key = f"merged:{finding.pk}"
            finding.status = cls.Status.RESOLVED
            finding.save(update_fields=["dedupe_key", "status", "updated_at"])
        return cls.objects.filter(person=duplicate).update(person=survivor)


class ScreeningRun(models.Model):
    """A full-population run (command, admin action or API), with its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "运行中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict)
    as_of = models.DateField(null=True, blank=True)
    batch_size = models.PositiveIntegerField(default=2000)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = "全员筛查"
        verbose_name_plural = "全员筛查"
        ordering = ["-created_at"]

    @property
    def percent(self) -> float:
        return round(100.0 * self.done / self.total, 1) if self.total else 0.0
