from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "wastewatch.registry"
    label = "registry"
    verbose_name = "基础档案"

    def ready(self):
        from . import resources  # noqa: F401  registers the registry types
