from django.urls import path

from healthloop.accounts import views

urlpatterns = [
    path("login/", views.Login.as_view(), name="login"),
    path("logout/", views.Logout.as_view(), name="logout"),
    path("csrf/", views.Csrf.as_view(), name="csrf"),
    path("me/", views.Me.as_view(), name="me"),
    path("tokens/", views.IssueToken.as_view(), name="issue-token"),
    path("otp/enrol/", views.OtpEnrol.as_view(), name="otp-enrol"),
    path("otp/confirm/", views.OtpConfirm.as_view(), name="otp-confirm"),
    path("lockouts/", views.Lockouts.as_view(), name="lockouts"),
    path("lockouts/unlock/", views.LockoutUnlock.as_view(), name="lockout-unlock"),
    path("roles/", views.RoleList.as_view(), name="role-list"),
    path("roles/<str:role>/", views.RoleDetail.as_view(), name="role-detail"),
]
