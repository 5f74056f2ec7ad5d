from django.core.management.base import BaseCommand

from wastewatch.accounts.reference import load_roles
from wastewatch.interfaces.rollout import load_milestones
from wastewatch.registry.reference import load_reference


class Command(BaseCommand):
    help = ("Load the reference data: regions down to the counties, waste categories, standard roles, "
            "the rollout plan's interface deadlines (idempotent).")

    def handle(self, *args, verbosity=1, **options):
        load_reference()
        load_roles()
        load_milestones()
        if verbosity:
            self.stdout.write(self.style.SUCCESS("reference data loaded"))
