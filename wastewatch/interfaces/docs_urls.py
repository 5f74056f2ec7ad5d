from django.urls import path

from . import docs_views

app_name = "interfaces_docs"
urlpatterns = [
    path("", docs_views.index, name="index"),
    path("guide.html", docs_views.guide, name="guide"),
    path("<str:code>/", docs_views.interface, name="interface"),
]
