"""Pages: the vehicle map (live positions by server-sent events, a vehicle's day replayed with its stops, visits
and plan), compliance of scheduled collection, and the collection plans. The data come from the API."""
import asyncio
import json
import time
from datetime import date

from asgiref.sync import sync_to_async
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django.utils import timezone

from wastewatch.core.errors import ServiceError
from wastewatch.core.pages import REFUSED, require_action, show_refusal

from . import rules, selectors, services
from .api import live_row
from .forms import PlanForm
from .geometry import local_day

STREAM_POLL_S = 2
STREAM_KEEPALIVE_S = 15
STREAM_MAX_S = 300  # the browser's EventSource reconnects by itself; a bounded stream frees its worker


def _day(request) -> date:
    try:
        return date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return local_day(timezone.now())


@login_required
def vehicle_map(request):
    require_action(request, "tracking.view")
    vehicles = selectors.vehicles_scoped(user=request.user).filter(is_active=True).order_by("plate").values_list("plate", flat=True)
    return render(request, "tracking/map.html", {
        "vehicles": list(vehicles), "day": _day(request), "plate": request.GET.get("plate", ""),
        "alerts": selectors.vehicle_alerts(user=request.user, limit=20),
    })


@login_required
def compliance(request):
    require_action(request, "tracking.view")
    day, group = _day(request), request.GET.get("group") if request.GET.get("group") in ("hauler", "street") else "hauler"
    rows = selectors.compliance_summary(user=request.user, day=day, group=group)
    return render(request, "tracking/compliance.html", {"rows": rows, "day": day, "group": group})


@login_required
def plans(request):
    require_action(request, "tracking.view")
    qs = selectors.plans_scoped(user=request.user).select_related("vehicle").prefetch_related("points__site").order_by("vehicle__plate", "id")
    plate = request.GET.get("plate", "").strip()
    if plate:
        qs = qs.filter(vehicle__plate__icontains=plate)
    return render(request, "tracking/plans.html", {"plans": qs[:300], "plate": plate, "rules": rules.Rules.doc(),
                                                   "may_manage": request.user.can("tracking.manage")})


def _plans_of(plate: str) -> str:
    return f"{reverse('tracking:plans')}?plate={plate}"


@login_required
def plan_edit(request, pk=None):
    """A new plan, or a plan's name, days and route replaced; refusals come back onto their fields and lines."""
    require_action(request, "tracking.manage")
    plan = selectors.plan_get(user=request.user, pk=pk) if pk is not None else None
    vehicles = selectors.vehicles_scoped(user=request.user).filter(is_active=True).select_related("hauler").order_by("plate")
    plates = [(v.plate, f"{v.plate}（{v.hauler.name}）" if v.hauler_id else v.plate) for v in vehicles]
    if plan is not None and plan.vehicle.plate not in dict(plates):
        plates.insert(0, (plan.vehicle.plate, plan.vehicle.plate))
    initial = PlanForm.initial_of(plan) if plan is not None else {"weekdays": list("1234567")}
    form = PlanForm(request.POST or None, initial=initial, plates=plates)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        points = [(selectors.site_find(user=request.user, text=site), start, end) for site, start, end in data["points"]]
        try:
            saved = services.collection_plan_save(
                actor=request.user, plan=plan, vehicle=selectors.vehicle_get(user=request.user, plate=data["vehicle"]),
                name=data["name"], weekdays=data["weekdays"], points=points, source="page")
        except ServiceError as exc:
            form.refuse(exc)
        else:
            messages.success(request, f"已保存收运计划“{saved.name}”（{saved.vehicle.plate}，{len(points)} 个点位）")
            return redirect(_plans_of(saved.vehicle.plate))
    return render(request, "tracking/plan_form.html", {"form": form, "plan": plan})


@login_required
@require_POST
def plan_active(request, pk):
    require_action(request, "tracking.manage")
    plan = selectors.plan_get(user=request.user, pk=pk)
    active = request.POST.get("active") == "1"
    try:
        services.collection_plan_set_active(actor=request.user, plan=plan, active=active, source="page")
        messages.success(request, f"已{'启用' if active else '停用'}收运计划“{plan.name}”")
    except ServiceError as exc:
        show_refusal(request, exc)
    return redirect(_plans_of(plan.vehicle.plate))


def _changes(user, since):
    rows = list(selectors.latest_positions(user=user, since=since))
    newest = max((lp.updated_at for lp in rows), default=since)
    return [live_row(lp) for lp in rows], newest


async def live_stream(request):
    """Server-sent events: every vehicle's position first, then those that moved, every couple of seconds."""
    user = await request.auser()
    if not user.is_authenticated or not await sync_to_async(user.can)("tracking.view"):
        raise PermissionDenied(REFUSED)
    try:
        seconds = min(STREAM_MAX_S, max(0, int(request.GET.get("seconds", STREAM_MAX_S))))
    except ValueError:
        seconds = STREAM_MAX_S
    if "wsgi.version" in request.META:
        # A WSGI server would hold the whole stream before sending a byte: one snapshot, and the browser's
        # EventSource comes back after `retry` — polling, where `serve` (ASGI) streams.
        seconds = 0

    async def events():
        since, quiet_since = None, time.monotonic()
        deadline = time.monotonic() + seconds
        yield "retry: 3000\n\n"
        while True:
            rows, since = await sync_to_async(_changes)(user, since)
            if rows:
                quiet_since = time.monotonic()
                yield f"event: positions\ndata: {json.dumps(rows, ensure_ascii=False)}\n\n"
            elif time.monotonic() - quiet_since > STREAM_KEEPALIVE_S:
                quiet_since = time.monotonic()
                yield ": keepalive\n\n"
            if time.monotonic() >= deadline:
                return
            await asyncio.sleep(STREAM_POLL_S)

    response = StreamingHttpResponse(events(), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response
