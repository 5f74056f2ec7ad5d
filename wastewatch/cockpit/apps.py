from django.apps import AppConfig


class CockpitConfig(AppConfig):
    name = "wastewatch.cockpit"
    label = "cockpit"
    verbose_name = "驾驶舱"

    def ready(self):
        from wastewatch.core import navigation

        navigation.register("统计考核", "reports.view", [("数据驾驶舱", "cockpit:index")])
