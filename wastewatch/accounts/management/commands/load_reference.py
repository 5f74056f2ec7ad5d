from django.core.management.base import BaseCommand

from wastewatch.accounts.reference import load_roles
from wastewatch.registry.reference import load_reference


class Command(BaseCommand):
    help = "Load the reference data: regions down to the counties, waste categories, standard roles (idempotent)."

    def handle(self, *args, **options):
        load_reference()
        load_roles()
        self.stdout.write(self.style.SUCCESS("reference data loaded"))
