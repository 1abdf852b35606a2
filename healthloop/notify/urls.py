from django.urls import path

from healthloop.notify import views

urlpatterns = [
    path("inbox/", views.StaffInbox.as_view(), name="notify-inbox"),
    path("inbox/<uuid:uuid>/read/", views.StaffInboxRead.as_view(), name="notify-inbox-read"),
    path("deliveries/", views.DeliveryList.as_view(), name="notify-deliveries"),
    path("deliveries/stats/", views.DeliveryStats.as_view(), name="notify-delivery-stats"),
    path("deliveries/resend/", views.ResendFailed.as_view(), name="notify-resend"),
    path(
        "preferences/persons/<uuid:person_uuid>/",
        views.PersonPreference.as_view(),
        name="notify-person-preference",
    ),
    path("preferences/me/", views.MyPreference.as_view(), name="notify-my-preference"),
]
