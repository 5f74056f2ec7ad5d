from django.apps import AppConfig


class InterfacesConfig(AppConfig):
    name = "wastewatch.interfaces"
    label = "interfaces"
    verbose_name = "数据接口"

    def ready(self):
        from wastewatch.core import navigation

        navigation.register("数据接口", "interfaces.view", [
            ("健康度", "interfaces:health"), ("推送档案", "interfaces:batches"), ("省级转发", "interfaces:relay"),
            ("接入系统", "interfaces:clients"), ("接入指南", "interfaces_docs:index"),
        ])
