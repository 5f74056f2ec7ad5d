from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("me/", views.profile_view, name="profile"),
    path("login-log/", views.login_log_view, name="login_log"),
    path("users/<str:key>/password/", views.reset_password_view, name="reset_password"),
]
