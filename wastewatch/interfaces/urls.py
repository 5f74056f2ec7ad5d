from django.urls import path

from . import views

app_name = "interfaces"
urlpatterns = [
    path("clients/", views.client_list, name="clients"),
    path("clients/<int:pk>/revoke/", views.client_revoke, name="client_revoke"),
    path("batches/", views.batch_list, name="batches"),
    path("batches/<int:pk>/", views.batch_detail, name="batch"),
    path("batches/<int:pk>/replay/", views.batch_replay, name="batch_replay"),
    path("relay/", views.relay_list, name="relay"),
    path("relay/<int:pk>/retry/", views.relay_retry, name="relay_retry"),
    path("health/", views.health_matrix, name="health"),
    path("health/report.xlsx", views.health_report, name="health_report"),
    path("health/<str:county>/", views.health_county, name="health_county"),
    path("health/<str:county>/milestones/<int:pk>/", views.milestone_deadline, name="milestone_deadline"),
]
