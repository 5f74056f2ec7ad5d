from django.core.management.base import BaseCommand

from wastewatch.simulator.democity import DEMO_PASSWORD, DemoCity


class Command(BaseCommand):
    help = "Load the Taizhou demo city (idempotent): regions, organisations, estates, sites, vehicles, devices, staff, demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=["small", "full"], default="small")
        parser.add_argument("--seed", type=int, default=20221)

    def handle(self, *args, size, seed, **options):
        users = DemoCity(size, seed).load()
        self.stdout.write(self.style.SUCCESS(f"demo city ({size}) loaded"))
        self.stdout.write(f"demo logins (password {DEMO_PASSWORD}):")
        for username, role, place in users:
            self.stdout.write(f"  {username:<16} {role} {place}")
