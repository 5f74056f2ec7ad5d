from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from wastewatch.core.api import file_response
from wastewatch.core.views import query_without_page
from wastewatch.core.errors import ServiceError
from wastewatch.core.pages import require_action, show_refusal
from wastewatch.registry.models import Region

from . import catalogue, clients, health, push, relay, reports, rollout, selectors
from .models import Milestone


@login_required
def client_list(request):
    require_action(request, "interfaces.view")
    created = None
    if request.method == "POST":
        require_action(request, "interfaces.manage")
        region = Region.objects.filter(code=request.POST.get("region"), level="county").first()
        try:
            if region is None or not request.user.scope.covers_region(region.code):
                raise ServiceError("请选择您权限范围内的县（市、区）")
            client, secret = clients.api_client_create(actor=request.user, name=request.POST.get("name", ""), region=region)
            created = (client, secret)
        except ServiceError as exc:
            show_refusal(request, exc)
    counties = Region.objects.filter(level="county", code__startswith=request.user.scope.region_prefix[:6])
    return render(request, "interfaces/clients.html", {
        "clients": selectors.clients_visible(user=request.user), "counties": counties, "created": created,
    })


@login_required
@require_POST
def client_revoke(request, pk):
    require_action(request, "interfaces.manage")
    client = selectors.clients_visible(user=request.user).filter(pk=pk).first()
    if client is None:
        raise Http404("接入系统不存在")
    clients.api_client_revoke(actor=request.user, client=client)
    messages.success(request, f"已吊销 {client}")
    return redirect("interfaces:clients")


@login_required
def batch_list(request):
    require_action(request, "interfaces.view")
    page = Paginator(selectors.batches_visible(user=request.user, params=request.GET), 50).get_page(request.GET.get("page"))
    return render(request, "interfaces/batches.html", {
        "page": page, "params": request.GET, "specs": catalogue.all_specs(),
        "query": query_without_page(request),
    })


@login_required
def batch_detail(request, pk):
    require_action(request, "interfaces.view")
    batch = selectors.batch_get(user=request.user, pk=pk)
    spec = catalogue.CATALOGUE.get(batch.interface)
    return render(request, "interfaces/batch.html", {
        "batch": batch, "spec": spec, "body": selectors.batch_body(user=request.user, batch=batch, spec=spec),
        "results": [{**r, "label": push.RESULT_LABELS.get(r["status"], r["status"])} for r in batch.results],
    })


@login_required
@require_POST
def batch_replay(request, pk):
    require_action(request, "interfaces.manage")
    batch = selectors.batch_get(user=request.user, pk=pk)
    replay = push.push_replay(actor=request.user, batch=batch, spec=catalogue.get(batch.interface))
    messages.success(request, f"已重放：新增 {replay.accepted}，更新 {replay.updated}，无变化 {replay.unchanged}，拒收 {replay.rejected}")
    return redirect("interfaces:batch", pk=replay.pk)


def _counties(user):
    prefix = user.scope.region_prefix
    if user.scope.nothing or user.scope.organisation_id is not None:
        return {}
    return {r.code[:6]: r.name for r in Region.objects.filter(level="county").order_by("code") if r.code.startswith(prefix[:6])}


@login_required
def health_matrix(request):
    """County × interface, coloured by status; a click opens the county's batches for that interface."""
    require_action(request, "interfaces.view")
    counties = _counties(request.user)
    flows = health.flows(counties=list(counties))
    backlog = selectors.relay_backlog(counties=list(counties))
    rows = [(code, name, health.county_scores(flows, code), [flows[(code, s.code)] for s in catalogue.all_specs()], backlog[code])
            for code, name in counties.items()]
    return render(request, "interfaces/health.html", {
        "rows": rows, "specs": catalogue.all_specs(), "colours": health.STATUS_COLOURS, "this_month": health.today().strftime("%Y-%m"),
    })


@login_required
def health_county(request, county):
    require_action(request, "interfaces.view")
    counties = _counties(request.user)
    if county not in counties:
        raise Http404("该县不在您的数据权限范围内")
    flows = health.flows(counties=[county])
    return render(request, "interfaces/health_county.html", {
        "county": county, "name": counties[county], "scores": health.county_scores(flows, county),
        "flows": [flows[(county, s.code)] for s in catalogue.all_specs()],
        "milestones": health.milestones(county=county, all_flows=flows),
        "can_manage": request.user.can("interfaces.manage"),
    })


@login_required
@require_POST
def milestone_deadline(request, county, pk):
    require_action(request, "interfaces.manage")
    if county not in _counties(request.user):
        raise Http404("该县不在您的数据权限范围内")
    milestone = get_object_or_404(Milestone, pk=pk, region_id=county + "000000")
    try:
        rollout.milestone_set_deadline(actor=request.user, milestone=milestone, deadline=request.POST.get("deadline", ""))
        messages.success(request, f"已调整“{milestone.task}”的截止日期")
    except ServiceError as exc:
        show_refusal(request, exc)
    return redirect("interfaces:health_county", county=county)


@login_required
def health_report(request):
    require_action(request, "interfaces.view")
    today = health.today()
    try:
        year, month = (int(x) for x in (request.GET.get("month") or f"{today.year}-{today.month}").split("-"))
        if not 1 <= month <= 12:
            raise ValueError
    except ValueError:
        return HttpResponseBadRequest("月份格式应为 yyyy-MM，例如 2026-11")
    content = reports.monthly_report(counties=_counties(request.user), year=year, month=month)
    return file_response(content, f"数据接口对接情况通报{year}年{month}月.xlsx", "xlsx")


@login_required
def relay_list(request):
    """The provincial outbox: what waits, what was sent, what failed and why; dead letters can be sent again."""
    require_action(request, "interfaces.view")
    page = Paginator(selectors.relay_messages_visible(user=request.user, params=request.GET), 50).get_page(request.GET.get("page"))
    counties = _counties(request.user)
    counts = selectors.relay_status_counts(user=request.user, params=request.GET)
    for message in page:
        message.spec, message.county_name = catalogue.CATALOGUE.get(message.interface), counties.get(message.region_code[:6], message.region_code)
    return render(request, "interfaces/relay.html", {
        "page": page, "params": request.GET, "specs": catalogue.provincial(), "counties": counties,
        "tallies": [(value, label, counts[value]) for value, label in relay.RelayMessage.Status.choices],
        "statuses": relay.RelayMessage.Status.choices, "enabled": relay.enabled(), "max_attempts": relay.max_attempts(),
        "query": query_without_page(request),
    })


@login_required
@require_POST
def relay_retry(request, pk):
    require_action(request, "interfaces.manage")
    message = selectors.relay_message_get(user=request.user, pk=pk)
    try:
        relay.relay_retry(actor=request.user, message=message)
        messages.success(request, f"消息 #{message.pk} 已重新排队，将按顺序发送")
    except ServiceError as exc:
        show_refusal(request, exc)
    back = request.POST.get("next", "")  # the list with its filters; only ever this page, never an outside address
    return redirect(back if back.startswith(reverse("interfaces:relay")) else "interfaces:relay")
