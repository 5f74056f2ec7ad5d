from django.urls import reverse

from .resources import all_resources


def navigation(request):
    """The navigation by area, showing only what the user may open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    groups = {}
    for resource in all_resources():
        if user.can(resource.perm("view")):
            groups.setdefault(resource.nav_group, []).append((resource.label, reverse(f"records:{resource.slug}_list"), resource.slug))
    extra = []
    if user.can("core.view_audit"):
        extra = [("变更记录", reverse("audit_log")), ("登录日志", reverse("accounts:login_log"))]
    if user.can("interfaces.view"):
        groups["数据接口"] = [(label, reverse(name), name) for label, name in (
            ("健康度", "interfaces:health"), ("推送档案", "interfaces:batches"), ("省级转发", "interfaces:relay"), ("接入系统", "interfaces:clients"),
            ("接入指南", "interfaces_docs:index"))]
    order = ["基础档案", "数据接口", "系统管理"]
    groups = dict(sorted(groups.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order)))
    return {"nav_groups": groups, "nav_system": extra}
