from django.urls import path

from . import views

app_name = "cockpit"

urlpatterns = [
    path("", views.dashboard, name="index"),
    path("stream/", views.stream, name="stream"),
    path("<slug:theme>/", views.dashboard, name="dashboard"),
]
