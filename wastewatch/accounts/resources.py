from wastewatch.core.resources import ListFilter, Resource

from .models import Role, User


def _role_choices():
    return [(r.code, r.name) for r in Role.objects.all()]


def check_user(cleaned, instance, actor):
    """Nobody hands out more than they hold, and each role is bound the way it needs."""
    role = cleaned.get("role")
    problems = {}
    if role is None:
        return problems
    if not set(role.actions) <= set(actor.role.actions if actor.role_id else []):
        problems["role"] = "不能授予超出您自身权限的角色"
    if role.binding == Role.Binding.ORGANISATION and not cleaned.get("organisation"):
        problems["organisation"] = f"“{role.name}”角色须绑定所属单位"
    if role.binding == Role.Binding.REGION and not cleaned.get("region"):
        problems["region"] = f"“{role.name}”角色须绑定所属区划"
    org = cleaned.get("organisation")
    if org and instance.region_id is None:
        instance.region_id = org.region_id
    return problems


users = Resource(
    slug="users", model=User, natural_key="username", app_label="accounts", nav_group="系统管理",
    fields=["username", "real_name", "phone", "role", "region", "organisation"],
    list_columns=["username", "real_name", "phone", "role", "region", "organisation", "last_login"],
    search_fields=["username"],
    filters=[ListFilter("role", "角色", "role__code", _role_choices),
             ListFilter("region", "区划代码", "region__code__startswith"),
             ListFilter("is_active", "状态", "is_active", [("1", "启用"), ("0", "停用")])],
    organisation_field="organisation_id", select_related=("role", "region", "organisation"),
    clean_hook=check_user,
    detail_actions=[("重置密码", "accounts:reset_password", "accounts.change")],
)
