from django.apps import AppConfig


class InterfacesConfig(AppConfig):
    name = "wastewatch.interfaces"
    label = "interfaces"
    verbose_name = "数据接口"
