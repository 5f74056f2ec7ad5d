from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.indicators, name="indicators"),
    path("records/", views.records, name="records"),
    path("rankings/", views.rankings, name="rankings"),
    path("carbon/", views.carbon_page, name="carbon"),
    path("zero-waste/", views.zero_waste_page, name="zero_waste"),
    path("files/", views.files, name="files"),
    path("files/<int:pk>/", views.file_download, name="file_download"),
    path("methodology/", views.methodology, name="methodology"),
]
