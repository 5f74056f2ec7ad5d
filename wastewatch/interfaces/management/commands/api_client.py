from django.core.management.base import BaseCommand, CommandError

from wastewatch.core.errors import ServiceError
from wastewatch.registry.models import Region

from ...clients import api_client_create, api_client_revoke
from ...models import ApiClient


class Command(BaseCommand):
    help = "Create (printing app key and secret on one line), revoke or list the county systems' API clients."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        create = sub.add_parser("create")
        create.add_argument("--region", required=True, help="county code, e.g. 331002000000")
        create.add_argument("--name", required=True)
        revoke = sub.add_parser("revoke")
        revoke.add_argument("app_key")
        sub.add_parser("list")

    def handle(self, *args, verb, **options):
        try:
            if verb == "create":
                region = Region.objects.filter(code=options["region"]).first()
                if region is None:
                    raise CommandError(f"区划 {options['region']} 不存在")
                client, secret = api_client_create(actor=None, name=options["name"], region=region)
                self.stdout.write(f"{client.app_key} {secret}")
            elif verb == "revoke":
                client = ApiClient.objects.filter(app_key=options["app_key"]).first()
                if client is None:
                    raise CommandError(f"AppKey {options['app_key']} 不存在")
                api_client_revoke(actor=None, client=client)
                self.stdout.write(f"已吊销 {client}")
            else:
                for client in ApiClient.objects.select_related("region").order_by("region_id", "name"):
                    state = "启用" if client.is_active else "已吊销"
                    self.stdout.write(f"{client.app_key}\t{client.region_id}\t{client.name}\t{state}")
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
