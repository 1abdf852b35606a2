"""Mounted at /api/v1/followup/."""

from django.urls import path

from healthloop.followup import views

TASK = "tasks/<uuid:task_uuid>"
PLAN = "plans/<uuid:plan_uuid>"

urlpatterns = [
    path("tasks/", views.TaskList.as_view(), name="followup-task-list"),
    path(f"{TASK}/", views.TaskDetail.as_view(), name="followup-task-detail"),
    path(f"{TASK}/start/", views.TaskStart.as_view(), name="followup-task-start"),
    path(f"{TASK}/results/", views.TaskResult.as_view(), name="followup-task-result"),
    path(f"{TASK}/reassign/", views.TaskReassign.as_view(), name="followup-task-reassign"),
    path("plans/", views.PlanList.as_view(), name="followup-plan-list"),
    path(f"{PLAN}/", views.PlanDetail.as_view(), name="followup-plan-detail"),
    path(f"{PLAN}/end/", views.PlanEnd.as_view(), name="followup-plan-end"),
    path(
        "persons/<uuid:person_uuid>/tasks/",
        views.PersonFollowUps.as_view(),
        name="followup-person-tasks",
    ),
    path("stats/", views.Stats.as_view(), name="followup-stats"),
    path("templates/", views.TemplateList.as_view(), name="followup-template-list"),
    path("templates/<int:pk>/", views.TemplateDetail.as_view(), name="followup-template-detail"),
]
