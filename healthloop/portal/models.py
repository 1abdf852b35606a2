"""The portal's own tables: one-time SMS codes for binding an account, and questionnaire drafts.

Everything else the portal shows belongs to the apps below it and is read through their
selectors, scoped to the logged-in person.
"""

from django.db import models

from healthloop.core.models import TimestampedModel
from healthloop.people.models import Person


class BindCode(models.Model):
    """One SMS verification code sent (or, when the details matched nobody, not sent) for a
    bind request. The code itself is never stored: ``code_hash`` is a keyed hash of the code
    and the row's salt. The phone and ID number are kept only as blind-index hashes."""

    phone_hash = models.CharField(max_length=64, db_index=True)
    id_number_hash = models.CharField(max_length=64)
    # The roster person the details matched, or null: the row is still written so that a
    # non-match costs the same rate-limit budget and answers the same way.
    person = models.ForeignKey(Person, null=True, on_delete=models.CASCADE, related_name="+")
    salt = models.CharField(max_length=32)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    consumed_at = models.DateTimeField(null=True, blank=True)
    client_ip = models.GenericIPAddressField(null=True)

    class Meta:
        verbose_name = "绑定验证码"
        verbose_name_plural = "绑定验证码"
        indexes = [models.Index(fields=["client_ip", "created_at"])]


class QuestionnaireDraft(TimestampedModel):
    """A person's unfinished answers to one questionnaire, saved as they go (one per person
    and instrument). Submitting deletes it."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    instrument = models.CharField(max_length=40)
    answers = models.JSONField(default=dict)
    page = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "问卷草稿"
        verbose_name_plural = "问卷草稿"
        constraints = [
            models.UniqueConstraint(fields=["person", "instrument"], name="uniq_portal_draft")
        ]

    @classmethod
    def merge_person_rows(cls, survivor: Person, duplicate: Person) -> int:
        """Drafts are disposable: keep the survivor's, drop the duplicate's where both exist."""
        taken = set(cls.objects.filter(person=survivor).values_list("instrument", flat=True))
        dropped, _ = cls.objects.filter(person=duplicate, instrument__in=taken).delete()
        moved = cls.objects.filter(person=duplicate).update(person=survivor)
        return dropped + moved
