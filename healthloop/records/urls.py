from django.urls import path

from healthloop.records import views

urlpatterns = [
    path(
        "persons/<uuid:person_uuid>/timeline/",
        views.PersonTimeline.as_view(),
        name="person-timeline",
    ),
    path(
        "persons/<uuid:person_uuid>/items/<str:item_code>/history/",
        views.ItemHistory.as_view(),
        name="item-history",
    ),
    path("catalog/items/", views.CatalogList.as_view(), name="catalog-items"),
]
