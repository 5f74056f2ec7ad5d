from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "wastewatch.ledger"
    label = "ledger"
    verbose_name = "收运处台账"
