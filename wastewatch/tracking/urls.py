from django.urls import path

from . import views

app_name = "tracking"

urlpatterns = [
    path("", views.vehicle_map, name="map"),
    path("live/stream", views.live_stream, name="live_stream"),
    path("compliance/", views.compliance, name="compliance"),
    path("plans/", views.plans, name="plans"),
    path("plans/new", views.plan_edit, name="plan_new"),
    path("plans/<int:pk>/edit", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/active", views.plan_active, name="plan_active"),
]
