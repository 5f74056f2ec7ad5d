from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "wastewatch.ledger"
    label = "ledger"
    verbose_name = "收运处台账"

    def ready(self):
        from wastewatch.core.navigation import register

        from . import landers

        landers.register()
        from .urls import ENTRY_MENU, MENU

        register("台账与设施", "ledger.view", MENU)
        register("台账与设施", "ledger.add", ENTRY_MENU)
