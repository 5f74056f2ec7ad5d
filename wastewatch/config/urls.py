from django.contrib import admin
from django.urls import include, path

from wastewatch.core import pages
from wastewatch.core.resources import all_resources
from wastewatch.core.views import resource_urls

from .api import api

record_patterns = [p for resource in all_resources() for p in resource_urls(resource)]

urlpatterns = [
    path("", pages.home, name="home"),
    path("map/counties.json", pages.counties_map, name="counties_map"),
    path("audit/", pages.audit_log, name="audit_log"),
    path("accounts/", include("wastewatch.accounts.urls")),
    path("interfaces/", include("wastewatch.interfaces.urls")),
    path("docs/interfaces/", include("wastewatch.interfaces.docs_urls")),
    path("tracking/", include("wastewatch.tracking.urls")),
    path("ledger/", include("wastewatch.ledger.urls")),
    path("events/", include("wastewatch.events.urls")),
    path("reports/", include("wastewatch.reports.urls")),
    path("cockpit/", include("wastewatch.cockpit.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("", include((record_patterns, "records"))),
]
