from django.urls import path

from healthloop.people import views

urlpatterns = [
    path("persons/", views.PersonSearch.as_view(), name="person-search"),
    path("persons/<uuid:person_uuid>/", views.PersonDetail.as_view(), name="person-detail"),
    path("persons/<uuid:person_uuid>/merge/", views.PersonMerge.as_view(), name="person-merge"),
    path("org-units/tree/", views.OrgTree.as_view(), name="org-tree"),
]
