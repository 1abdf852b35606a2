"""Portal API: the logged-in employee's own data only. Views: parse → my_person → one
service or selector → serialize. Every read or change is audited by ``my_person``."""

from django.contrib.auth import login
from drf_spectacular.utils import extend_schema
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from healthloop.accounts.drf import PUBLIC
from healthloop.accounts.permissions import Perm
from healthloop.accounts.serializers import MeSerializer
from healthloop.core.errors import ServiceError
from healthloop.notify.selectors import unread_count
from healthloop.notify.services import mark_read
from healthloop.portal import selectors, services
from healthloop.portal import serializers as s
from healthloop.portal.access import my_person
from healthloop.portal.errors import PortalError
from healthloop.portal.instruments import Instrument, get_instrument


def _instrument(code: str) -> Instrument:
    instrument = get_instrument(code)
    if instrument is None:
        raise ServiceError(PortalError.UNKNOWN_QUESTIONNAIRE, f"没有此问卷：{code}", status=404)
    return instrument


class BindCode(APIView):
    required_permission = PUBLIC

    @extend_schema(
        request=s.PortalBindCodeRequestSerializer, responses={202: s.PortalBindCodeSentSerializer}
    )
    def post(self, request):
        body = s.PortalBindCodeRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        sent = services.request_bind_code(**body.validated_data, request=request)
        return Response(s.PortalBindCodeSentSerializer(sent).data, status=202)


class Bind(APIView):
    required_permission = PUBLIC

    @extend_schema(request=s.PortalBindSerializer, responses={201: MeSerializer})
    def post(self, request):
        body = s.PortalBindSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = services.bind_account(**body.validated_data, request=request)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return Response(MeSerializer(user).data, status=201)


class MyRisk(APIView):
    required_permission = Perm.VIEW_OWN_HEALTH

    @extend_schema(responses=s.PortalMyRiskSerializer)
    def get(self, request):
        person = my_person(request.user, action="portal.risk_viewed", request=request)
        return Response(s.PortalMyRiskSerializer(selectors.my_risk(person)).data)


class Questionnaires(APIView):
    required_permission = Perm.VIEW_OWN_HEALTH

    @extend_schema(responses=s.PortalQuestionnaireSummarySerializer(many=True))
    def get(self, request):
        person = my_person(request.user, action="portal.questionnaires_viewed", request=request)
        rows = selectors.my_questionnaires(person)
        return Response(s.PortalQuestionnaireSummarySerializer(rows, many=True).data)


class Questionnaire(APIView):
    required_permission = Perm.VIEW_OWN_HEALTH

    @extend_schema(responses=s.PortalQuestionnaireSerializer)
    def get(self, request, code):
        instrument = _instrument(code)
        person = my_person(request.user, action="portal.questionnaire_opened", request=request)
        data = selectors.my_questionnaire(person, instrument)
        return Response(s.PortalQuestionnaireSerializer(data).data)


class QuestionnaireDraft(APIView):
    required_permission = Perm.ANSWER_QUESTIONNAIRE

    @extend_schema(request=s.PortalDraftSerializer, responses=s.PortalDraftSerializer)
    def put(self, request, code):
        instrument = _instrument(code)
        body = s.PortalDraftSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        person = my_person(request.user, action="portal.draft_saved", request=request)
        draft = services.save_questionnaire_draft(
            person=person, instrument=instrument, actor=request.user, **body.validated_data
        )
        return Response(s.PortalDraftSerializer(draft).data)


class QuestionnaireSubmit(APIView):
    required_permission = Perm.ANSWER_QUESTIONNAIRE

    @extend_schema(request=s.PortalAnswersSerializer, responses={201: s.PortalSubmittedSerializer})
    def post(self, request, code):
        instrument = _instrument(code)
        body = s.PortalAnswersSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        person = my_person(request.user, action="portal.questionnaire_submitted", request=request)
        response = services.submit_questionnaire(
            person=person, instrument=instrument, answers=body.validated_data["answers"],
            actor=request.user,
        )  # fmt: skip
        return Response(_submitted(response, person), status=201)


def _submitted(response, person):
    return s.PortalSubmittedSerializer({
        "uuid": response.uuid, "instrument": response.instrument,
        "answered_at": response.answered_at,
        "result": selectors.response_result(response, person),
    }).data  # fmt: skip


class QuestionnaireResponseDetail(APIView):
    required_permission = Perm.VIEW_OWN_HEALTH

    @extend_schema(responses=s.PortalSubmittedSerializer)
    def get(self, request, response_uuid):
        person = my_person(request.user, action="portal.response_viewed", request=request)
        return Response(_submitted(selectors.my_response(person, response_uuid), person))


class AccessPagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class AccessLog(APIView):
    """Who looked at my record: role and department, never a name."""

    required_permission = Perm.VIEW_OWN_HEALTH

    @extend_schema(responses=s.PortalAccessPageSerializer)
    def get(self, request):
        person = my_person(request.user, action="portal.access_log_viewed", request=request)
        paginator = AccessPagination()
        page = paginator.paginate_queryset(selectors.access_events_of(person), request, view=self)
        rows = selectors.my_access_log(person, list(page or []))
        return paginator.get_paginated_response(s.PortalAccessEventSerializer(rows, many=True).data)


class Messages(APIView):
    """My in-app inbox (notify), newest first, with the unread count."""

    required_permission = Perm.VIEW_OWN_HEALTH

    @extend_schema(responses=s.PortalInboxSerializer)
    def get(self, request):
        person = my_person(request.user, action="portal.messages_viewed", request=request)
        inbox = selectors.my_messages(person)
        paginator = AccessPagination()
        page = paginator.paginate_queryset(inbox, request, view=self)
        response = paginator.get_paginated_response(s.PortalMessageSerializer(page, many=True).data)
        response.data["unread"] = unread_count(inbox)
        return response


class MessageRead(APIView):
    required_permission = Perm.VIEW_OWN_HEALTH

    @extend_schema(request=None, responses=s.PortalMessageSerializer)
    def post(self, request, message_uuid):
        person = my_person(request.user, action="portal.message_read", request=request)
        message = mark_read(selectors.my_message(person, message_uuid), by_person=person)
        return Response(s.PortalMessageSerializer(message).data)


class MyAlerts(APIView):
    """Alerts a doctor confirmed for me, newest first."""

    required_permission = Perm.VIEW_OWN_HEALTH

    @extend_schema(responses=s.PortalAlertSerializer(many=True))
    def get(self, request):
        person = my_person(request.user, action="portal.alerts_viewed", request=request)
        return Response(s.PortalAlertSerializer(selectors.my_alerts(person), many=True).data)


class AlertQuestion(APIView):
    """Ask the responsible doctor a question about one of my alerts."""

    required_permission = Perm.ANSWER_QUESTIONNAIRE

    @extend_schema(request=s.PortalQuestionSerializer, responses={202: None})
    def post(self, request, alert_uuid):
        body = s.PortalQuestionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        person = my_person(request.user, action="portal.alert_question", request=request)
        alert = selectors.my_alert(person, alert_uuid)
        services.ask_about_alert(
            person=person, alert=alert, question=body.validated_data["question"],
            actor=request.user,
        )  # fmt: skip
        return Response(status=202)


class MyFollowUps(APIView):
    """My follow-up plans and contacts (no staff-only detail)."""

    required_permission = Perm.VIEW_OWN_HEALTH

    @extend_schema(responses=s.PortalFollowUpsSerializer)
    def get(self, request):
        person = my_person(request.user, action="portal.followups_viewed", request=request)
        return Response(s.PortalFollowUpsSerializer(selectors.my_followups(person)).data)
