from django.core.management.base import BaseCommand, CommandError

from wastewatch.accounts.models import Role, User
from wastewatch.accounts.services import user_reset_password
from wastewatch.registry.models import Organisation, Region


class Command(BaseCommand):
    help = "Create a login (e.g. the first city administrator) and print its initial password."

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--role", required=True, help="role code, e.g. city_admin")
        parser.add_argument("--region", help="12-digit region code")
        parser.add_argument("--organisation", help="unified social credit code")

    def handle(self, *args, username, role, region, organisation, **options):
        if User.objects.filter(username=username).exists():
            raise CommandError(f"账号 {username} 已存在")
        try:
            user = User(
                username=username,
                role=Role.objects.get(code=role),
                region=Region.objects.get(code=region) if region else None,
                organisation=Organisation.objects.get(code=organisation) if organisation else None,
            )
        except (Role.DoesNotExist, Region.DoesNotExist, Organisation.DoesNotExist) as exc:
            raise CommandError(f"找不到：{exc}") from exc
        user.save()
        password = user_reset_password(actor=None, user=user, source="system")
        self.stdout.write(f"{username} 初始密码：{password}")
