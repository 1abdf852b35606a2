"""Field syntax and output shapes of the portal API (rules live in services)."""

from rest_framework import serializers


class PortalBindCodeRequestSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    id_number = serializers.CharField(max_length=30)
    phone = serializers.CharField(max_length=30)


class PortalBindCodeSentSerializer(serializers.Serializer):
    expires_in = serializers.IntegerField(help_text="seconds the code stays valid")
    resend_after = serializers.IntegerField(help_text="seconds before another code may be asked")


class PortalBindSerializer(PortalBindCodeRequestSerializer):
    code = serializers.CharField(max_length=10)
    password = serializers.CharField(max_length=128, style={"input_type": "password"})


class PortalTextSerializer(serializers.Serializer):
    zh = serializers.CharField()
    en = serializers.CharField()


class PortalRiskLevelSerializer(serializers.Serializer):
    disease = serializers.CharField()
    disease_label = serializers.CharField()
    colour = serializers.CharField()
    label = serializers.CharField()
    basis = serializers.ListField(child=serializers.JSONField())
    updated_at = serializers.DateTimeField()


class PortalModelResultSerializer(serializers.Serializer):
    model = serializers.CharField()
    title = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    unit = serializers.CharField(allow_null=True)
    category = serializers.CharField(allow_blank=True)
    label = serializers.CharField(allow_blank=True)
    colour = serializers.CharField(allow_blank=True)
    basis = serializers.ListField(child=serializers.CharField())
    assessed_at = serializers.CharField()


class PortalMyRiskSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    levels = PortalRiskLevelSerializer(many=True)
    models = PortalModelResultSerializer(many=True)


class PortalResultSerializer(serializers.Serializer):
    value = serializers.FloatField(allow_null=True)
    category = serializers.CharField(allow_null=True)
    label = serializers.CharField(allow_blank=True)
    colour = serializers.CharField(allow_null=True)
    self_harm_alert = serializers.BooleanField(default=False)


class PortalLastResponseSerializer(PortalResultSerializer):
    uuid = serializers.UUIDField()
    answered_at = serializers.DateTimeField()


class PortalDraftSummarySerializer(serializers.Serializer):
    answered = serializers.IntegerField()
    page = serializers.IntegerField()
    updated_at = serializers.DateTimeField()


class PortalQuestionnaireSummarySerializer(serializers.Serializer):
    code = serializers.CharField()
    title = PortalTextSerializer()
    minutes = serializers.IntegerField(allow_null=True)
    item_count = serializers.IntegerField()
    draft = PortalDraftSummarySerializer(allow_null=True)
    last = PortalLastResponseSerializer(allow_null=True)


class PortalChoiceSerializer(serializers.Serializer):
    value = serializers.JSONField()
    zh = serializers.CharField()
    en = serializers.CharField()


class PortalItemSerializer(serializers.Serializer):
    id = serializers.CharField()
    type = serializers.ChoiceField(choices=["choice", "time", "number"])
    zh = serializers.CharField()
    en = serializers.CharField()
    choices = PortalChoiceSerializer(many=True)
    min = serializers.FloatField(required=False)
    max = serializers.FloatField(required=False)
    step = serializers.FloatField(required=False)
    unit = PortalTextSerializer(required=False)


class PortalDraftSerializer(serializers.Serializer):
    answers = serializers.DictField(child=serializers.JSONField())
    page = serializers.IntegerField(min_value=0)
    updated_at = serializers.DateTimeField(read_only=True)


class PortalQuestionnaireSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = PortalTextSerializer()
    intro = PortalTextSerializer()
    minutes = serializers.IntegerField(allow_null=True)
    items = PortalItemSerializer(many=True)
    pages = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))
    draft = PortalDraftSerializer(allow_null=True)


class PortalAnswersSerializer(serializers.Serializer):
    answers = serializers.DictField(child=serializers.JSONField())


class PortalSubmittedSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    instrument = serializers.CharField()
    answered_at = serializers.DateTimeField()
    result = PortalResultSerializer()


class PortalAccessEventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    occurred_at = serializers.DateTimeField()
    role = serializers.CharField()
    role_label = serializers.CharField()
    department = serializers.CharField(allow_blank=True)
    kind = serializers.ChoiceField(choices=["viewed", "listed", "changed"])
    purpose = serializers.CharField(allow_blank=True)


class PortalMessageSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    alert = serializers.SerializerMethodField(help_text="the alert this message is about, if any")
    title = serializers.CharField()
    body = serializers.CharField()
    template = serializers.CharField()
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)

    def get_alert(self, message) -> str | None:
        from healthloop.portal.selectors import alert_uuid_of

        return alert_uuid_of(message)


class PortalInboxSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    unread = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = PortalMessageSerializer(many=True)


class PortalAccessPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = PortalAccessEventSerializer(many=True)


class PortalAlertSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    title = serializers.CharField()
    text = serializers.CharField(help_text="what the doctor confirmed")
    severity = serializers.CharField()
    state = serializers.CharField()
    reviewed_at = serializers.DateTimeField(allow_null=True)
    read_at = serializers.DateTimeField(allow_null=True)
    has_doctor = serializers.SerializerMethodField()

    def get_has_doctor(self, alert) -> bool:
        return alert.responsible_id is not None


class PortalQuestionSerializer(serializers.Serializer):
    question = serializers.CharField(max_length=2000, allow_blank=True)


class PortalFollowUpPlanSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    disease = serializers.CharField()
    disease_label = serializers.CharField()
    since = serializers.DateField()


class PortalUpcomingFollowUpSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    disease = serializers.CharField()
    disease_label = serializers.CharField()
    due_date = serializers.DateField()
    method = serializers.CharField(help_text="phone, sms, wechat, clinic or home")
    method_label = serializers.CharField()
    status = serializers.CharField(help_text="pending, in_progress or overdue")
    status_label = serializers.CharField()
    questionnaire = serializers.CharField(help_text="instrument code, or empty")


class PortalPastFollowUpSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    disease = serializers.CharField()
    disease_label = serializers.CharField()
    due_date = serializers.DateField()
    method = serializers.CharField()
    method_label = serializers.CharField()
    status = serializers.CharField(help_text="done")
    status_label = serializers.CharField()
    completed_on = serializers.DateField(allow_null=True)
    outcome = serializers.CharField(
        help_text="agreed_to_come, continue, lost or end (followup Outcome)"
    )
    outcome_label = serializers.CharField()


class PortalFollowUpsSerializer(serializers.Serializer):
    plans = PortalFollowUpPlanSerializer(many=True)
    upcoming = PortalUpcomingFollowUpSerializer(many=True)
    past = PortalPastFollowUpSerializer(many=True, help_text="the last 10 done, newest first")
