from django.apps import AppConfig


class CockpitConfig(AppConfig):
    name = "wastewatch.cockpit"
    label = "cockpit"
    verbose_name = "驾驶舱"
