from django.urls import path

from healthloop.people import views

urlpatterns = [
    path("persons/", views.PersonSearch.as_view(), name="person-search"),
    path("persons/<uuid:person_uuid>/", views.PersonDetail.as_view(), name="person-detail"),
    path("persons/<uuid:person_uuid>/merge/", views.PersonMerge.as_view(), name="person-merge"),
    path("persons/<uuid:person_uuid>/unmask/", views.PersonUnmask.as_view(), name="person-unmask"),
    path("org-units/tree/", views.OrgTree.as_view(), name="org-tree"),
    path("access-grants/", views.AccessGrants.as_view(), name="access-grants"),
    path(
        "access-grants/<uuid:grant_uuid>/revoke/",
        views.AccessGrantRevoke.as_view(),
        name="access-grant-revoke",
    ),
    path("break-glass/", views.BreakGlass.as_view(), name="break-glass"),
    path(
        "break-glass/<uuid:access_uuid>/review/",
        views.BreakGlassReview.as_view(),
        name="break-glass-review",
    ),
]
