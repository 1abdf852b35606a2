"""Follow-up API (/api/v1/followup/): parse → access → one service or selector → serialize."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from healthloop.accounts.permissions import Perm
from healthloop.audit.services import record_bulk_access
from healthloop.followup import results, selectors, serializers, services, stats
from healthloop.followup.access import access_plan, access_task
from healthloop.followup.template_loader import update_template
from healthloop.people.access import access_person


class _AuditedList(ListAPIView):
    filter_backends: list[type] = []
    audit_action = ""

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        uuids = {row["person"]["uuid"] for row in response.data["results"]}
        record_bulk_access(
            actor=request.user, action=self.audit_action, person_uuids=uuids, request=request
        )
        return response


@extend_schema(
    parameters=[
        OpenApiParameter("view", enum=list(selectors.VIEWS), description="today = my day's list"),
        OpenApiParameter("status", enum=["pending", "in_progress", "done", "overdue", "cancelled"]),
        OpenApiParameter("mine", bool), OpenApiParameter("disease"),
        OpenApiParameter("person", description="person uuid"),
        OpenApiParameter("assignee", description="username"),
    ]
)  # fmt: skip
class TaskList(_AuditedList):
    """Follow-up tasks of the persons the user may see; view=overdue sorts by risk colour."""

    required_permission = Perm.FOLLOWUP_VIEW
    serializer_class = serializers.TaskSerializer
    audit_action = "followup.tasks_listed"

    def get_queryset(self):
        q, user = self.request.query_params, self.request.user
        person = access_person(user, q["person"], request=self.request) if q.get("person") else None
        assignee = services.resolve_staff(q["assignee"]) if q.get("assignee") else None
        return selectors.task_list(
            user, status=q.get("status", ""), view=q.get("view", "all"),
            mine=q.get("mine") in ("1", "true"), disease=q.get("disease", ""),
            assignee=assignee, person=person,
        )  # fmt: skip


class TaskDetail(APIView):
    required_permission = Perm.FOLLOWUP_VIEW

    @extend_schema(responses=serializers.TaskDetailSerializer)
    def get(self, request, task_uuid):
        task = access_task(request.user, task_uuid, request=request)
        task = selectors.with_risk(type(task).objects.filter(pk=task.pk)).get()
        return Response(serializers.TaskDetailSerializer(task).data)


class TaskStart(APIView):
    required_permission = Perm.FOLLOWUP_RECORD

    @extend_schema(request=None, responses=serializers.TaskSerializer)
    def post(self, request, task_uuid):
        task = access_task(request.user, task_uuid, action="followup.task_opened", request=request)
        task = services.start_task(task=task, actor=request.user)
        return Response(serializers.TaskSerializer(task).data)


class TaskResult(APIView):
    required_permission = Perm.FOLLOWUP_RECORD

    @extend_schema(
        request=serializers.ResultInputSerializer,
        responses={201: serializers.ResultOutputSerializer},
        description="Record a contact: outcome agreed_to_come (snooze_days), call_later "
        "(call_back_on), continue, lost, end (end_reason required); measurements are written "
        "to the record (screening re-runs); the next task is scheduled.",
    )
    def post(self, request, task_uuid):
        body = serializers.ResultInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        task = access_task(request.user, task_uuid, action="followup.task_opened", request=request)
        record = results.record_followup_result(
            task=task, data=results.result_input(body.validated_data), actor=request.user
        )
        task.refresh_from_db()
        out = {"record": record, "task": task}
        return Response(serializers.ResultOutputSerializer(out).data, status=201)


class TaskReassign(APIView):
    required_permission = Perm.FOLLOWUP_ASSIGN

    @extend_schema(request=serializers.ReassignSerializer, responses=serializers.TaskSerializer)
    def post(self, request, task_uuid):
        body = serializers.ReassignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        task = access_task(request.user, task_uuid, action="followup.task_opened", request=request)
        task = services.reassign_task(
            task=task, to_user=services.resolve_staff(body.validated_data["assignee"]),
            reason=body.validated_data["reason"], actor=request.user,
            whole_plan=body.validated_data["whole_plan"],
        )  # fmt: skip
        return Response(serializers.TaskSerializer(task).data)


@extend_schema(
    parameters=[OpenApiParameter("person"), OpenApiParameter("status", enum=["active", "ended"])]
)
class PlanList(_AuditedList):
    required_permission = Perm.FOLLOWUP_VIEW
    required_permissions = {"POST": Perm.FOLLOWUP_MANAGE_PLANS}
    serializer_class = serializers.PlanSerializer
    audit_action = "followup.plans_listed"

    def get_queryset(self):
        q, user = self.request.query_params, self.request.user
        person = access_person(user, q["person"], request=self.request) if q.get("person") else None
        return selectors.plan_list(
            user, person=person, status=q.get("status", "")
        ).prefetch_related("tasks")

    @extend_schema(
        request=serializers.PlanCreateSerializer, responses={201: serializers.PlanSerializer}
    )
    def post(self, request):
        body = serializers.PlanCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        person = access_person(request.user, data.pop("person"), action="followup.plan_creating",
                               request=request)  # fmt: skip
        username = data.pop("assignee", "")
        plan = services.create_plan(
            person=person, actor=request.user,
            assignee=services.resolve_staff(username) if username else None, **data,
        )  # fmt: skip
        return Response(serializers.PlanSerializer(plan).data, status=status.HTTP_201_CREATED)


class PlanDetail(APIView):
    required_permission = Perm.FOLLOWUP_VIEW

    @extend_schema(responses=serializers.PlanSerializer)
    def get(self, request, plan_uuid):
        plan = access_plan(request.user, plan_uuid, request=request)
        return Response(serializers.PlanSerializer(plan).data)


class PlanEnd(APIView):
    required_permission = Perm.FOLLOWUP_MANAGE_PLANS

    @extend_schema(request=serializers.ReasonSerializer, responses=serializers.PlanSerializer)
    def post(self, request, plan_uuid):
        body = serializers.ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        plan = access_plan(request.user, plan_uuid, request=request)
        plan = services.end_plan(
            plan=plan, reason=body.validated_data["reason"], actor=request.user
        )
        return Response(serializers.PlanSerializer(plan).data)


class PersonFollowUps(APIView):
    """A person's plans (with open tasks) and tasks, for the person's page."""

    required_permission = Perm.FOLLOWUP_VIEW

    @extend_schema(responses=serializers.TaskSerializer(many=True))
    def get(self, request, person_uuid):
        person = access_person(request.user, person_uuid, action="followup.viewed", request=request)
        tasks = selectors.task_list(request.user, person=person)
        return Response(serializers.TaskSerializer(tasks, many=True).data)


@extend_schema(
    parameters=[OpenApiParameter("date_from", description="YYYY-MM-DD (due dates)"),
                OpenApiParameter("date_to"), OpenApiParameter("return_days", int),
                OpenApiParameter("disease")],
    responses=dict,
)  # fmt: skip
class Stats(APIView):
    required_permission = Perm.FOLLOWUP_VIEW_STATS

    def get(self, request):
        args = serializers.StatsQuerySerializer(data=request.query_params)
        args.is_valid(raise_exception=True)
        return Response(stats.followup_stats(request.user, **args.validated_data))


class TemplateList(APIView):
    required_permission = Perm.FOLLOWUP_MANAGE_TEMPLATES

    @extend_schema(responses=serializers.TemplateSerializer(many=True))
    def get(self, request):
        rows = selectors.template_list()
        return Response(serializers.TemplateSerializer(rows, many=True).data)


class TemplateDetail(APIView):
    required_permission = Perm.FOLLOWUP_MANAGE_TEMPLATES

    @extend_schema(request=serializers.TemplateSerializer, responses=serializers.TemplateSerializer)
    def patch(self, request, pk):
        template = selectors.template_by_id(pk)
        changes = dict(request.data.items())
        template = update_template(template=template, changes=changes, actor=request.user)
        return Response(serializers.TemplateSerializer(template).data)
