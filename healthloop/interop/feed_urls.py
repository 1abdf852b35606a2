from django.urls import path

from healthloop.interop import feed_views as views

urlpatterns = [
    path("feeds/", views.FeedStatusList.as_view(), name="feed-status"),
    path("messages/", views.MessageList.as_view(), name="inbound-messages"),
    path("messages/<uuid:message_uuid>/", views.MessageDetail.as_view(), name="inbound-message"),
    path(
        "messages/<uuid:message_uuid>/reprocess/",
        views.MessageReprocess.as_view(),
        name="inbound-message-reprocess",
    ),
    path("quarantine/", views.HeldCodeList.as_view(), name="held-codes"),
    path("code-mappings/", views.CodeMappingCreate.as_view(), name="code-mapping-create"),
]
