from django.apps import AppConfig


class TrackingConfig(AppConfig):
    name = "wastewatch.tracking"
    label = "tracking"
    verbose_name = "车辆监管"
