from django.contrib import admin

from .models import Manifest, MonitoringLimit


@admin.register(MonitoringLimit)
class MonitoringLimitAdmin(admin.ModelAdmin):
    """The standards' limits are data: an office tightens one to a local limit here."""

    list_display = ("site_kind", "item", "name", "bound", "value", "unit", "averaging", "standard")
    list_filter = ("site_kind", "averaging")


@admin.register(Manifest)
class ManifestAdmin(admin.ModelAdmin):
    list_display = ("number", "status", "category", "generator", "hauler", "receiver", "shipped_t", "received_t", "discrepancy")
    list_filter = ("status", "discrepancy")
    search_fields = ("number",)
