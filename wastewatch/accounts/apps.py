from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "wastewatch.accounts"
    label = "accounts"
    verbose_name = "账号与权限"

    def ready(self):
        from . import resources  # noqa: F401
