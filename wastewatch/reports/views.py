"""The reports pages: thin views over the selectors and services; every read scoped (outside: 404)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from wastewatch.core.errors import ServiceError
from wastewatch.core.pages import require_action, show_refusal

from . import carbon, catalogue, selectors, services, zero_waste
from .api import file_download as _download
from .models import Factor, IndexNode, RubricItem
from .rankings import assess, estates_in


def _params(request, default_period="month"):
    period = request.GET.get("period") or default_period
    try:
        w = selectors.parse_window(period, request.GET.get("at", ""))
    except ServiceError as exc:
        show_refusal(request, exc)
        w = selectors.parse_window("month", "")
    return selectors.region_visible(user=request.user, code=request.GET.get("region", "")), w


@login_required
def indicators(request):
    require_action(request, "reports.view")
    region, w = _params(request)
    figures = selectors.indicator_values(user=request.user, region=region, w=w)
    rows = [(i, figures["values"].get(i.code)) for i in [*catalogue.INDICATORS, catalogue.DATA_FLOW]]
    children = selectors.children_values(user=request.user, region=region, w=w)
    return render(request, "reports/indicators.html", {"region": region, "w": w, "rows": rows, "reduction": figures["reduction"],
                                                       "children": children, "headline": ["generated_t", "recycling_rate", "perishable_share", "per_capita_kg"]})


@login_required
def records(request):
    require_action(request, "reports.view")
    require_action(request, "ledger.view")
    region, w = _params(request)
    rows = selectors.records_behind(user=request.user, region=region, w=w, stage=request.GET.get("stage", ""), category=request.GET.get("category", ""))
    return render(request, "reports/records.html", {"region": region, "w": w, "rows": rows})


@login_required
def rankings(request):
    require_action(request, "reports.view")
    region, w = _params(request)
    if request.method == "POST":
        try:
            size = request.POST.get("size") or "5"
            if not size.strip().isdigit():
                raise ServiceError("每榜名额无效", details=[{"field": "size", "reason": f"应为正整数，收到“{size}”"}])
            services.lists_publish(actor=request.user, region=region, month=w.start, size=int(size))
            messages.success(request, f"已发布{w.label}红黑榜")
        except ServiceError as exc:
            show_refusal(request, exc)
        return redirect(request.get_full_path())
    ranked = assess(estates=estates_in(region), w=w)
    publications = selectors.publications_of(region=region).prefetch_related("entries__estate")[:12]
    return render(request, "reports/rankings.html", {"region": region, "w": w, "ranked": ranked[:200], "rubric": RubricItem.objects.all(),
                                                     "publications": publications, "can_manage": request.user.can("reports.manage")})


@login_required
def carbon_page(request):
    require_action(request, "reports.view")
    region, w = _params(request)
    return render(request, "reports/carbon.html", {"region": region, "w": w, "balance": carbon.carbon_balance(w=w, region=region),
                                                   "children": carbon.carbon_by_child(region=region, w=w, user=request.user)})


@login_required
def zero_waste_page(request):
    require_action(request, "reports.view")
    region, w = _params(request)
    if region.level not in ("city", "county"):
        raise Http404("无废指数按全市和县（市、区）计算")
    return render(request, "reports/zero_waste.html", {"region": region, "w": w, "index": zero_waste.index_compute(user=request.user, region=region, w=w)})


@login_required
def files(request):
    require_action(request, "reports.view")
    region, w = _params(request)
    if request.method == "POST":
        kind = request.POST.get("kind", "monthly")
        try:
            start = selectors.parse_window("year" if kind == "annual" else "month", request.POST.get("at", "")).start
            services.report_generate(actor=request.user, kind=kind, start=start, region=region, fmt=request.POST.get("format", "xlsx"))
            messages.success(request, "报表已生成")
        except ServiceError as exc:
            show_refusal(request, exc)
        return redirect(request.get_full_path())
    return render(request, "reports/files.html", {"region": region, "w": w,
                                                  "files": selectors.report_files_of(region=region)[:100]})


@login_required
def file_download(request, pk):
    require_action(request, "reports.view")
    return _download(selectors.report_file_get(user=request.user, pk=pk))


@login_required
def methodology(request):
    require_action(request, "reports.view")
    if request.method == "POST":
        factor = Factor.objects.filter(code=request.POST.get("code", "")).first()
        if factor is None:
            raise Http404("因子不存在")
        try:
            services.factor_update(actor=request.user, factor=factor, value=request.POST.get("value", ""), source=request.POST.get("source"))
            messages.success(request, f"已修改“{factor.name}”")
        except ServiceError as exc:
            show_refusal(request, exc)
        return redirect("reports:methodology")
    return render(request, "reports/methodology.html", {
        "indicators": [*catalogue.INDICATORS, catalogue.DATA_FLOW], "factors": Factor.objects.all(), "rubric": RubricItem.objects.all(),
        "nodes": IndexNode.objects.all(), "can_manage": request.user.can("reports.manage"), "carbon_doc": carbon.__doc__,
    })
