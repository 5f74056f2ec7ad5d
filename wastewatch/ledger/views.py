"""Pages of the ledger: thin, every read through selectors, every write through services."""
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from wastewatch.core.errors import ServiceError
from wastewatch.core.pages import require_action, show_refusal
from wastewatch.core.views import query_without_page
from wastewatch.registry.models import WasteCategory

from . import dossiers, selectors, services
from .choices import Stage
from .entry_views import manifest_page
from .manifest_presenter import manifest_dict
from .models.manifests import ManifestStatus
from .presenters import movement_dict


def _day(value, default):
    try:
        return date.fromisoformat(value) if value else default
    except ValueError:
        return default


def _range(request, days=0):
    today = timezone.localdate()
    day_to = _day(request.GET.get("day_to"), today)
    day_from = _day(request.GET.get("day_from"), day_to - timedelta(days=days))
    if day_from > day_to:
        day_from = day_to
    return max(day_from, day_to - timedelta(days=366)), day_to


@login_required
def movement_list(request):
    require_action(request, "ledger.view")
    day_from, day_to = _range(request, days=6)
    g = request.GET
    qs = selectors.movement_list(user=request.user, day_from=day_from, day_to=day_to, stage=g.get("stage", ""),
                                 category=g.get("category", ""), site=g.get("site", "").strip(), plate=g.get("plate", ""),
                                 flagged=True if g.get("flagged") == "1" else None)
    page = Paginator(qs, 50).get_page(g.get("page"))
    return render(request, "ledger/movements.html", {
        "page": page, "rows": [movement_dict(m, user=request.user) for m in page], "query": query_without_page(request),
        "tonnes": qs.aggregate(t=Sum("net_t"))["t"] or 0, "stages": Stage.choices, "day_from": day_from, "day_to": day_to,
        "categories": WasteCategory.objects.filter(parent=None).order_by("code"), "can_add": request.user.can("ledger.add"),
    })


@login_required
@require_POST
def movement_add(request):
    require_action(request, "ledger.add")
    data = {k: request.POST.get(k, "").strip() for k in ("stage", "category", "net_t", "gross_t", "tare_t", "from_site",
                                                          "from_label", "to_site", "to_label", "plate", "note")}
    when = request.POST.get("occurred_at", "")
    try:
        occurred = timezone.make_aware(timezone.datetime.fromisoformat(when)) if when else None
    except ValueError:
        occurred = None
    try:
        movement = services.movement_record_by_codes(
            actor=request.user, source="page",
            data={**data, "occurred_at": occurred, "gross_t": data["gross_t"] or None, "tare_t": data["tare_t"] or None})
    except ServiceError as exc:
        show_refusal(request, exc)
    else:
        flags = "、".join(movement_dict(movement, user=request.user)["flag_labels"])
        messages.success(request, f"已录入台账记录 {movement.net_t} 吨" + (f"（核验标记：{flags}）" if flags else ""))
    return redirect("ledger:movements")


@login_required
def balance(request):
    require_action(request, "ledger.view")
    day_from, day_to = _range(request)
    body = selectors.balance_list(user=request.user, day_from=day_from, day_to=day_to, region=request.GET.get("region", ""),
                                  flagged_only=request.GET.get("flagged") == "1")
    return render(request, "ledger/balance.html", {**body, "day_from": day_from, "day_to": day_to,
                                                   "flagged_only": request.GET.get("flagged") == "1"})


@login_required
def trace(request):
    require_action(request, "ledger.view")
    day_from, day_to = _range(request, days=0)
    direction = request.GET.get("direction", "forward")
    start = "site" if direction == "backward" else request.GET.get("start", "estate")
    code = request.GET.get("code", "").strip()
    graph, error = None, ""
    if code:
        try:
            if direction == "backward":
                graph = selectors.trace_backward_to(user=request.user, site=code, day_from=day_from, day_to=day_to)
            elif start == "site":  # estate and site codes share one numbering: the officer says which one is meant
                graph = selectors.trace_forward_from(user=request.user, site=code, day_from=day_from, day_to=day_to)
            else:
                graph = selectors.trace_forward_from(user=request.user, estate=code, day_from=day_from, day_to=day_to)
        except Http404 as exc:
            error = str(exc)
    return render(request, "ledger/trace.html", {"graph": graph, "error": error, "code": code, "direction": direction, "start": start,
                                                 "day_from": day_from, "day_to": day_to})


@login_required
def manifest_list(request):
    require_action(request, "ledger.view")
    qs = selectors.manifest_list(user=request.user, status=request.GET.get("status", ""),
                                 discrepancy=True if request.GET.get("discrepancy") == "1" else None)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "ledger/manifests.html", {"page": page, "rows": [manifest_dict(m) for m in page],
                                                     "statuses": ManifestStatus.choices, "query": query_without_page(request),
                                                     "can_add": request.user.can("ledger.add")})


@login_required
def manifest_detail(request, number):
    require_action(request, "ledger.view")
    return manifest_page(request, selectors.manifest_get(user=request.user, number=number))


@login_required
def facilities(request):
    require_action(request, "ledger.view")
    day = _day(request.GET.get("day"), timezone.localdate())
    return render(request, "ledger/facilities.html", {"rows": dossiers.facility_overview(user=request.user, day=day), "day": day,
                                                      "can_add": request.user.can("ledger.add")})


@login_required
def dossier(request, code):
    """一源一档 / 一厂一档: everything known about a generator or a plant on one page."""
    require_action(request, "ledger.view")
    site = selectors.site_get(user=request.user, code=code)
    day_from, day_to = _range(request, days=29)
    return render(request, "ledger/dossier.html", {**dossiers.site_dossier(user=request.user, site=site, day_from=day_from,
                                                                           day_to=day_to), "day_from": day_from, "day_to": day_to})
