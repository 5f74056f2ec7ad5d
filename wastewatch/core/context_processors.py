from django.urls import reverse

from . import navigation
from .resources import all_resources


def navigation_menu(request):
    """The navigation by area, showing only what the user may open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    groups = {}
    for resource in all_resources():
        if user.can(resource.perm("view")):
            groups.setdefault(resource.nav_group, []).append((resource.label, reverse(f"records:{resource.slug}_list"), resource.slug))
    for group, items in navigation.visible(user).items():
        groups.setdefault(group, []).extend(items)
    extra = []
    if user.can("core.view_audit"):
        extra = [("变更记录", reverse("audit_log")), ("登录日志", reverse("accounts:login_log"))]
    order = navigation.ORDER
    groups = dict(sorted(groups.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order)))
    return {"nav_groups": groups, "nav_system": extra}
