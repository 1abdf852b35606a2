"""The master person index: persons, the employer's organisation tree, identifiers, merges."""

from django.conf import settings
from django.db import models

from healthloop.core.crypto import EncryptedTextField
from healthloop.core.models import PublicModel, TimestampedModel


class OrgUnit(PublicModel):
    class Kind(models.TextChoices):
        COMPANY = "company", "公司"
        DIVISION = "division", "分公司/事业部"
        DEPARTMENT = "department", "部门"
        TEAM = "team", "班组"
        RETIREES = "retirees", "离退休办"

    name = models.CharField(max_length=100, verbose_name="名称")
    code = models.CharField(max_length=40, unique=True, verbose_name="编码")
    kind = models.CharField(max_length=20, choices=Kind.choices, verbose_name="类型")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name="上级",
    )
    # Materialised path of primary keys ("/1/5/12/"): descendants are a prefix query.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    sort_order = models.IntegerField(default=0)

    class Meta:
        verbose_name = "组织机构"
        verbose_name_plural = "组织机构"
        ordering = ["path"]

    def save(self, *args: object, **kwargs: object) -> None:
        super().save(*args, **kwargs)  # type: ignore[arg-type]
        path = (self.parent.path if self.parent else "/") + f"{self.pk}/"
        if path != self.path:
            self.path = path
            OrgUnit.objects.filter(pk=self.pk).update(path=path)

    def __str__(self) -> str:
        return self.name


class Person(PublicModel):
    class Sex(models.TextChoices):
        MALE = "male", "男"
        FEMALE = "female", "女"
        UNKNOWN = "unknown", "未知"

    class Status(models.TextChoices):
        ACTIVE = "active", "在职"
        RETIRED = "retired", "退休"
        LEFT = "left", "离职"

    class Channel(models.TextChoices):
        APP = "app", "应用内"
        SMS = "sms", "短信"
        WECHAT = "wechat", "微信"
        WECOM = "wecom", "企业微信"
        EMAIL = "email", "电子邮件"

    name = models.CharField(max_length=50, verbose_name="姓名")
    name_pinyin = models.CharField(max_length=200, db_index=True, blank=True)
    name_initials = models.CharField(max_length=50, db_index=True, blank=True)
    sex = models.CharField(max_length=10, choices=Sex.choices, verbose_name="性别")
    birth_date = models.DateField(null=True, blank=True, verbose_name="出生日期")
    id_number = EncryptedTextField(blank=True, verbose_name="身份证号")
    id_number_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    id_last4 = models.CharField(max_length=4, blank=True, db_index=True)
    phone = EncryptedTextField(blank=True, verbose_name="手机号")
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    employee_no = models.CharField(
        max_length=30, null=True, blank=True, unique=True, verbose_name="工号"
    )
    org_unit = models.ForeignKey(
        OrgUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="persons",
        verbose_name="部门",
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.ACTIVE, verbose_name="状态"
    )
    job_type = models.CharField(max_length=50, blank=True, verbose_name="工种")
    preferred_channel = models.CharField(
        max_length=10, choices=Channel.choices, default=Channel.APP, verbose_name="首选渠道"
    )
    wechat_openid = models.CharField(max_length=64, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    needs_identity_review = models.BooleanField(default=False, verbose_name="待核实身份")
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from"
    )

    # Blind indexes recomputed by ``manage.py rotate_keys`` (core/keys.py): hash ← plain.
    BLIND_INDEXES = {"id_number_hash": "id_number", "phone_hash": "phone"}

    class Meta:
        verbose_name = "人员"
        verbose_name_plural = "人员"
        indexes = [
            models.Index(fields=["org_unit", "name"]),
            models.Index(fields=["name", "birth_date"]),
        ]

    @property
    def is_tombstone(self) -> bool:
        return self.merged_into_id is not None

    def __str__(self) -> str:
        return self.name


class PersonIdentifier(models.Model):
    """An identifier a source system uses for the person (HIS patient id, LIS id, 工号 …)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identifiers")
    authority = models.CharField(max_length=100)  # assigning authority / source system
    value = models.CharField(max_length=100)
    id_type = models.CharField(max_length=20, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["authority", "value"], name="uniq_identifier")
        ]


class PersonAssignment(TimestampedModel):
    """A staff member responsible for a person (a doctor's or health manager's panel)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="assignments")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assigned_persons"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "staff"], name="uniq_assignment")]


class StaffScope(models.Model):
    """An org unit (and its descendants) whose persons a staff member looks after."""

    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="org_scopes"
    )
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="staff_scopes")

    class Meta:
        verbose_name = "管辖范围"
        verbose_name_plural = "管辖范围"
        constraints = [
            models.UniqueConstraint(fields=["staff", "org_unit"], name="uniq_staff_scope")
        ]


class DuplicateCandidate(TimestampedModel):
    """Two persons who may be one (same name, birth date and phone), waiting for review."""

    class Status(models.TextChoices):
        OPEN = "open", "待审核"
        MERGED = "merged", "已合并"
        DISTINCT = "distinct", "非同一人"

    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=100)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="uniq_duplicate_pair")
        ]


class PersonMerge(models.Model):
    """The log of a merge: which person survived, which became a tombstone, what moved."""

    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_won")
    tombstone = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_lost")
    merged_at = models.DateTimeField()
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    moved_rows = models.JSONField(default=dict)
    reason = models.CharField(max_length=200, blank=True)


class AccessGrant(PublicModel):
    """Time-limited access beyond one's scope: to one person or to an org unit (with its
    descendants), granted with a reason by an administrator or a department head."""

    grantee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_grants"
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="access_grants"
    )
    org_unit = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.CASCADE, related_name="access_grants"
    )
    reason = models.CharField(max_length=300, verbose_name="理由")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    valid_from = models.DateTimeField()
    valid_until = models.DateTimeField(db_index=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "临时授权"
        verbose_name_plural = "临时授权"
        indexes = [models.Index(fields=["grantee", "valid_until"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | models.Q(org_unit__isnull=False),
                name="access_grant_has_target",
            )
        ]


class BreakGlassAccess(PublicModel):
    """An emergency access to one person outside one's scope: allowed for a short window,
    flagged (an audit anomaly) and reviewed by an administrator afterwards."""

    class Review(models.TextChoices):
        PENDING = "pending", "待审核"
        JUSTIFIED = "justified", "合理"
        UNJUSTIFIED = "unjustified", "不合理"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="break_glass")
    reason = models.CharField(max_length=300, verbose_name="紧急原因")
    started_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    review = models.CharField(max_length=12, choices=Review.choices, default=Review.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = "紧急访问"
        verbose_name_plural = "紧急访问"
        indexes = [models.Index(fields=["user", "expires_at"]), models.Index(fields=["review"])]
