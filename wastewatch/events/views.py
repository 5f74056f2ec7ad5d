"""Pages of the events app: thin, every read through selectors, every write through services."""
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from wastewatch.core.errors import ServiceError
from wastewatch.core.pages import require_action, show_refusal
from wastewatch.core.views import query_without_page
from wastewatch.registry.models import Estate, Region, Site

from . import present, selectors
from .choices import AlertKind, AlertSource, AlertStatus, Severity, UnitLevel, WorkOrderStatus
from .models import Checklist, DispatchRule, EmergencyPlan
from .services import alerts, evidence, inspections, plans, public, workorders


@login_required
def alert_list(request):
    require_action(request, "events.view")
    page = Paginator(selectors.alerts_visible(user=request.user, params=request.GET), 50).get_page(request.GET.get("page"))
    return render(request, "events/alerts.html", {
        "page": page, "params": request.GET, "query": query_without_page(request), "kinds": AlertKind.choices,
        "statuses": AlertStatus.choices, "severities": Severity.choices, "sources": AlertSource.choices,
    })


@login_required
def alert_map(request):
    require_action(request, "events.view")
    return render(request, "events/alert_map.html", {"params": request.GET, "kinds": AlertKind.choices})


@login_required
def alert_points(request):
    require_action(request, "events.view")
    params = {"status": request.GET.get("status", ""), "kind": request.GET.get("kind", "")}
    qs = selectors.alerts_visible(user=request.user, params=params).filter(lon__isnull=False)[:2000]
    return JsonResponse({"points": [{"id": a.pk, "name": a.title, "kind": a.get_kind_display(), "status": a.status,
                                     "severity": a.severity, "value": [a.lon, a.lat, a.count]} for a in qs]})


@login_required
def alert_detail(request, pk):
    require_action(request, "events.view")
    alert = selectors.alert_get(user=request.user, pk=pk)
    return render(request, "events/alert.html", {
        "alert": alert, "detail": present.alert_detail_dict(alert), "orders": alert.work_orders.select_related("unit"),
        "plans": plans.plans_for(kind=alert.kind, region_code=alert.region_code), "clear_faces": request.user.can("events.view_faces"),
        "public_reports": present.public_report_rows(alert, user=request.user),
    })


@login_required
@require_POST
def alert_act(request, pk):
    require_action(request, "events.dispatch")
    alert = selectors.alert_get(user=request.user, pk=pk)
    action = request.POST.get("action")
    try:
        if action in ("confirmed", "false_positive"):
            alerts.alert_set_status(actor=request.user, alert=alert, status=action, note=request.POST.get("note", ""))
        elif action == "dispatch":
            unit = Region.objects.filter(code=request.POST.get("unit", "")).first() if request.POST.get("unit") else None
            if unit is not None and not request.user.scope.covers_region(unit.code):
                raise ServiceError("承办单位不在您的权限范围内", details=[{"field": "unit", "reason": "请选择本辖区的单位"}])
            hours = int(request.POST["hours"]) if request.POST.get("hours", "").isdigit() else None
            order = workorders.work_order_for_alert(actor=request.user, alert=alert, unit=unit, deadline_hours=hours,
                                                    comment=request.POST.get("comment", ""))
            messages.success(request, f"已派单 {order.number} 至{order.unit.name}")
        elif action == "plan":
            plan = EmergencyPlan.objects.get(code=request.POST.get("plan"))
            activation = plans.plan_start(actor=request.user, plan=plan, alert=alert, drill=request.POST.get("drill") == "1")
            messages.success(request, f"已启动{'演练：' if activation.is_drill else ''}{plan.name}，生成 {activation.work_orders.count()} 张工单")
    except (ServiceError, EmergencyPlan.DoesNotExist) as exc:
        show_refusal(request, exc if isinstance(exc, ServiceError) else ServiceError("预案不存在"))
    return redirect("events:alert", pk=pk)


@login_required
def alert_package(request, pk):
    require_action(request, "events.export_evidence")
    content, export = evidence.evidence_package_export(actor=request.user, alert=selectors.alert_get(user=request.user, pk=pk))
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{export.package_id}.zip"'
    return response


@login_required
def verify(request):
    require_action(request, "events.view")
    result = None
    if request.method == "POST" and request.FILES.get("package"):
        result = evidence.evidence_package_verify(request.FILES["package"].read())
    return render(request, "events/verify.html", {"result": result})


@login_required
def order_list(request):
    require_action(request, "events.view")
    page = Paginator(selectors.work_orders_visible(user=request.user, params=request.GET), 50).get_page(request.GET.get("page"))
    return render(request, "events/orders.html", {"page": page, "params": request.GET, "query": query_without_page(request),
                                                  "statuses": WorkOrderStatus.choices, "kinds": AlertKind.choices})


@login_required
def order_detail(request, number):
    require_action(request, "events.view")
    order = selectors.work_order_get(user=request.user, number=number)
    return render(request, "events/order.html", {"order": order, "detail": present.order_dict(order, steps=True)})


PAGE_ACTIONS = {
    "accept": ("events.handle", lambda r, o: workorders.work_order_accept(actor=r.user, order=o)),
    "start": ("events.handle", lambda r, o: workorders.work_order_start(actor=r.user, order=o, comment=r.POST.get("comment", ""))),
    "approve": ("events.dispatch", lambda r, o: workorders.work_order_approve(actor=r.user, order=o, comment=r.POST.get("comment", ""))),
    "send_back": ("events.dispatch", lambda r, o: workorders.work_order_send_back(actor=r.user, order=o, comment=r.POST.get("comment", ""))),
    "close": ("events.dispatch", lambda r, o: workorders.work_order_close(actor=r.user, order=o, comment=r.POST.get("comment", ""))),
    "comment": ("events.view", lambda r, o: workorders.work_order_comment(actor=r.user, order=o, comment=r.POST.get("comment", ""))),
    "report": ("events.handle", lambda r, o: workorders.work_order_report(
        actor=r.user, order=o, comment=r.POST.get("comment", ""), photos=[f.read() for f in r.FILES.getlist("photos")],
        lon=_float(r.POST.get("lon")), lat=_float(r.POST.get("lat")))),
}


def _float(value):
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


@login_required
@require_POST
def order_act(request, number):
    order = selectors.work_order_get(user=request.user, number=number)
    action = request.POST.get("action", "")
    if action not in PAGE_ACTIONS:
        messages.error(request, "未知操作")
    else:
        permission, run = PAGE_ACTIONS[action]
        require_action(request, permission)
        try:
            run(request, order)
            messages.success(request, "已办理")
        except ServiceError as exc:
            show_refusal(request, exc)
    if request.POST.get("next") == "mine":
        return redirect("events:my_orders")
    return redirect("events:order", number=number)


@login_required
def my_orders(request):
    require_action(request, "events.view")
    return render(request, "events/my_orders.html", {
        "orders": selectors.my_work_orders(user=request.user), "notices": selectors.notifications_for(user=request.user)[:10],
        "now": timezone.now(),
    })


@login_required
def stats(request):
    require_action(request, "events.view")
    end = timezone.now()
    days = int(request.GET["days"]) if request.GET.get("days", "").isdigit() else 30
    start = end - timezone.timedelta(days=days)
    return render(request, "events/stats.html", {
        "days": days, "periods": [(7, "近 7 天"), (30, "近 30 天"), (90, "近 90 天"), (365, "近一年")], "by_unit": selectors.work_order_stats(user=request.user, since=start, until=end, by="unit"),
        "by_kind": [{**r, "label": AlertKind(r["key"]).label} for r in selectors.work_order_stats(user=request.user, since=start, until=end, by="kind")],
        "alert_kinds": [{**r, "label": AlertKind(r["kind"]).label} for r in selectors.alert_counts(user=request.user, since=start, until=end)],
    })


@login_required
def inspection_list(request):
    require_action(request, "events.view")
    if request.method == "POST":
        require_action(request, "events.handle")
        site = Site.objects.filter(code=request.POST.get("site", "")).first()
        try:
            if site is None or not request.user.scope.covers_region(site.region_id):
                raise ServiceError("点位无效", details=[{"field": "site", "reason": "请输入您辖区内的点位编码"}])
            items = inspections.checklist_for(site).items
            answers = {i["code"]: request.POST.get(f"item_{i['code']}") == "1" for i in items}
            photo = request.FILES.get("photo")
            lon, lat = _float(request.POST.get("lon")), _float(request.POST.get("lat"))
            if lon is None or lat is None:
                raise ServiceError("未取得位置", details=[{"field": "lon", "reason": "请允许浏览器获取定位后再打卡"}])
            done = inspections.inspection_checkin(actor=request.user, site=site, lon=lon, lat=lat, photo=photo.read() if photo else b"",
                                                  answers=answers, note=request.POST.get("note", ""))
            messages.success(request, f"打卡成功：{site.name}，得分 {done.score}，问题 {done.problems} 项")
            return redirect("events:inspections")
        except ServiceError as exc:
            show_refusal(request, exc)
    site = Site.objects.filter(code=request.GET.get("site", "")).first()
    checklist = Checklist.objects.filter(site_kind=site.kind).first() if site and request.user.scope.covers_region(site.region_id) else None
    page = Paginator(selectors.inspections_visible(user=request.user, params={}), 50).get_page(request.GET.get("page"))
    return render(request, "events/inspections.html", {"page": page, "site": site if checklist else None, "checklist": checklist})


@login_required
def plan_list(request):
    require_action(request, "events.view")
    labels = dict(AlertKind.choices)
    rows = [(p, "、".join(str(labels.get(k, k)) for k in p.incident_kinds)) for p in selectors.plans_visible(user=request.user)]
    return render(request, "events/plans.html", {"rows": rows, "can_manage": request.user.can("events.manage")})


@login_required
def plan_edit(request, code=None):
    require_action(request, "events.manage" if request.method == "POST" or code is None else "events.view")
    plan = EmergencyPlan.objects.filter(code=code).first() if code else None
    if code and plan is None:
        raise Http404("预案不存在")
    fields = ("code", "name", "incident_kinds", "region_prefix", "level", "sections", "tasks", "messages")
    # A new plan may start from an existing one as its template (?from=YA-HZ-01): everything but the code is copied.
    template = EmergencyPlan.objects.filter(code=request.GET.get("from", "")).first() if plan is None else None
    if plan or template:
        form = {f: getattr(plan or template, f) for f in fields}
        if template:
            form.update(code="", name=f"{template.name}（副本）")
    else:
        form = {"level": "IV", "incident_kinds": [], "sections": {}, "tasks": [], "messages": []}
    if request.method == "POST":
        form = {
            "code": plan.code if plan else request.POST.get("code", "").strip(), "name": request.POST.get("name", "").strip(),
            "incident_kinds": request.POST.getlist("incident_kinds"), "region_prefix": request.POST.get("region_prefix", "").strip(),
            "level": request.POST.get("level", "IV"), "sections": {s: request.POST.get(f"section_{i}", "") for i, s in enumerate(plans.SECTIONS)},
            "tasks": _rows(request.POST, "task", ("level", "title", "hours")),
            "messages": _rows(request.POST, "message", ("level", "text")),
        }
        try:
            plan = plans.plan_save(actor=request.user, data=form, plan=plan)
            messages.success(request, "预案已保存")
            return redirect("events:plan", code=plan.code)
        except ServiceError as exc:
            show_refusal(request, exc)  # the page comes back with what was typed, not what was saved
    return render(request, "events/plan.html", {
        "plan": plan, "form": form, "sections": [(i, s, form["sections"].get(s, "")) for i, s in enumerate(plans.SECTIONS)],
        "kinds": AlertKind.choices, "levels": EmergencyPlan._meta.get_field("level").choices, "unit_levels": UnitLevel.choices,
        "can_manage": request.user.can("events.manage"),
        # The rows so far and two blank ones to fill in (a button adds more).
        "task_rows": [*form["tasks"], *[{"level": UnitLevel.COMMUNITY, "title": "", "hours": ""}] * 2],
        "message_rows": [*form["messages"], *[{"level": UnitLevel.COMMUNITY, "text": ""}] * 2],
    })


def _rows(post, prefix, names):
    """The editor's repeated row fields (task_level, task_title, task_hours ...) as dicts; blank rows are dropped,
    a half-filled one is kept for the service to name."""
    columns = [post.getlist(f"{prefix}_{name}") for name in names]
    rows = [dict(zip(names, (value.strip() for value in values))) for values in zip(*columns)]
    rows = [row for row in rows if any(row[name] for name in names if name != "level")]
    for row in rows:
        if "hours" in row:
            row["hours"] = int(row["hours"]) if row["hours"].isdigit() else 0
    return rows


@login_required
def rules(request):
    require_action(request, "events.manage")
    if request.method == "POST":
        rule = DispatchRule.objects.filter(pk=request.POST.get("pk")).first() if request.POST.get("pk", "").isdigit() else None
        data = {name: request.POST.get(name, "") for name in ("kind", "region_prefix", "unit_level", "deadline_hours")}
        data.update(auto_dispatch=request.POST.get("auto_dispatch") == "1", is_active=request.POST.get("is_active") == "1")
        try:
            rule = workorders.dispatch_rule_save(actor=request.user, data=data, rule=rule)
            messages.success(request, f"已保存派单规则：{rule}")
        except ServiceError as exc:
            show_refusal(request, exc)
        return redirect("events:rules")
    return render(request, "events/rules.html", {"rules": DispatchRule.objects.all(), "kinds": AlertKind.choices, "levels": UnitLevel.choices})


@login_required
def checklists(request):
    require_action(request, "events.manage")
    if request.method == "POST":
        try:
            items = json.loads(request.POST.get("items", "[]"))
            inspections.checklist_save(actor=request.user, site_kind=request.POST.get("site_kind", ""), name=request.POST.get("name", ""),
                                       items=items if isinstance(items, list) else [])
            messages.success(request, "检查表已保存")
        except ValueError:
            messages.error(request, "检查项须为 JSON 数组")
        except ServiceError as exc:
            show_refusal(request, exc)
        return redirect("events:checklists")
    return render(request, "events/checklists.html", {"checklists": [(c, json.dumps(c.items, ensure_ascii=False)) for c in Checklist.objects.all()]})


# --- residents' reports: public pages, no login ------------------------------------------------------------------

def public_report(request):
    """The resident's report form. With JavaScript it sends to the API and stays on the page on a refusal (the photo
    too); without, it posts here and comes back with what was typed and the reasons."""
    form, errors, status = {}, {}, 200
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in ("kind", "description", "phone", "lon", "lat", "county", "street", "estate")}
        try:
            report = public.public_report_submit(sender=public.sender_address(request), data=form,
                                                 photos=[f.read() for f in request.FILES.getlist("photos")])
            return redirect("events:public_receipt", receipt=report.receipt)
        except ServiceError as exc:
            errors, status = {"message": exc.message, "fields": {d.get("field", ""): d["reason"] for d in exc.details}}, exc.status
    counties = Region.objects.filter(level="county", code__startswith=public.CITY_PREFIX).order_by("code")
    return render(request, "events/public_report.html", {
        "kinds": [(k, AlertKind(k).label) for k in public.PUBLIC_KINDS], "form": form, "errors": errors, "counties": counties,
        "max_photos": public.MAX_PHOTOS,
    }, status=status)


def public_places(request):
    """The fallback to a position: the streets of a county, then the estates of a street (public names only)."""
    parent = request.GET.get("parent", "")
    if len(parent) == 6 and parent.isdigit():
        rows = Region.objects.filter(level="street", code__startswith=parent, is_active=True).order_by("code").values_list("code", "name")
    elif len(parent) == 9 and parent.isdigit():
        rows = Estate.objects.filter(region__code__startswith=parent, is_active=True).order_by("name").values_list("code", "name")
    else:
        rows = []
    return JsonResponse({"items": [{"code": code, "name": name} for code, name in rows]})


def public_receipt(request, receipt=None):
    receipt = receipt or request.GET.get("receipt", "").strip()
    found = public.public_report_status(receipt=receipt) if receipt else None
    return render(request, "events/public_receipt.html", {"receipt": receipt, "report": found},
                  status=404 if receipt and found is None else 200)
