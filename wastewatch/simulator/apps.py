from django.apps import AppConfig


class SimulatorConfig(AppConfig):
    name = "wastewatch.simulator"
    label = "simulator"
    verbose_name = "演示城市"
