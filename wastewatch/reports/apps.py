from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "wastewatch.reports"
    label = "reports"
    verbose_name = "统计考核"
