from django.urls import path

from healthloop.accounts import views

urlpatterns = [
    path("login/", views.Login.as_view(), name="login"),
    path("logout/", views.Logout.as_view(), name="logout"),
    path("csrf/", views.Csrf.as_view(), name="csrf"),
    path("me/", views.Me.as_view(), name="me"),
    path("tokens/", views.IssueToken.as_view(), name="issue-token"),
]
