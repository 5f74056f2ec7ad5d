"""Indicators, carbon, rankings, red and black lists, the zero-waste index and report files, read from the prepared
aggregates. A region or estate outside the caller's scope answers 404 (DESIGN rule 2)."""
from urllib.parse import quote

from django.http import Http404, HttpResponse
from ninja import Router, Schema, Status

from wastewatch.core.api import require
from wastewatch.core.errors import ServiceError
from wastewatch.core.schemas import ErrorOut

from . import carbon, catalogue, refresh, selectors, services, zero_waste
from .models import Factor, IndexNode, ListPublication, ReportFile
from .rankings import assess, estates_in

router = Router(tags=["统计考核"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _view(request):
    require(request, "reports.view")
    return request.auth


def _place(user, region: str, estate: int | None):
    if estate:
        e = selectors.estate_visible(user=user, pk=estate)
        return None, e
    return selectors.region_visible(user=user, code=region), None


@router.get("/catalogue", summary="指标目录：名称、公式、单位、来源、目标")
def indicator_catalogue(request):
    _view(request)
    return [{"code": i.code, "name": i.name, "unit": i.unit, "formula": i.formula, "source": i.source, "target": i.target,
             "target_source": i.target_source, "higher_is_better": i.higher_is_better, "estate": i.estate}
            for i in [*catalogue.INDICATORS, catalogue.DATA_FLOW]]


@router.get("/indicators", response={200: dict, **ERRORS}, summary="一个地区（或小区）一个统计期的全部指标，含同比环比")
def indicators(request, region: str = "", estate: int | None = None, period: str = "month", at: str = ""):
    user = _view(request)
    r, e = _place(user, region, estate)
    w = selectors.parse_window(period, at)
    out = selectors.indicator_values(user=user, region=r, estate=e, w=w)
    return {"place": {"code": r.code if r else str(e.pk), "name": (r or e).name, "level": r.level if r else "estate"},
            "period": w.period, "start": w.start.isoformat(), "label": w.label, "refreshed_at": refresh.last_refreshed_at(), **out}


@router.get("/indicators/children", response={200: list[dict], **ERRORS}, summary="下级地区（县>镇街>社区>小区）的指标，用于下钻")
def indicator_children(request, region: str = "", period: str = "month", at: str = ""):
    user = _view(request)
    r = selectors.region_visible(user=user, code=region)
    return selectors.children_values(user=user, region=r, w=selectors.parse_window(period, at))


@router.get("/indicators/series", response={200: list[dict], **ERRORS}, summary="指标的时间序列（最近 count 个统计期）")
def indicator_series(request, region: str = "", estate: int | None = None, period: str = "month", at: str = "", count: int = 12):
    user = _view(request)
    r, e = _place(user, region, estate)
    if not 1 <= count <= 400:
        raise ServiceError("统计期个数无效", details=[{"field": "count", "reason": "应在 1 到 400 之间"}])
    return selectors.indicator_series(user=user, region=r, estate=e, period=period, end=selectors.parse_window(period, at).start, count=count)


@router.get("/indicators/records", response={200: list[dict], **ERRORS}, summary="数字背后的台账记录（按来源区划）")
def indicator_records(request, region: str = "", period: str = "month", at: str = "", stage: str = "", category: str = "", limit: int = 200):
    user = _view(request)
    require(request, "ledger.view")
    r = selectors.region_visible(user=user, code=region)
    rows = selectors.records_behind(user=user, region=r, w=selectors.parse_window(period, at), stage=stage, category=category,
                                    limit=max(1, min(limit, 1000)))
    return [{"id": m.pk, "stage": m.stage, "stage_name": m.get_stage_display(), "occurred_at": m.occurred_at, "category": m.category_id,
             "net_t": float(m.net_t), "origin_code": m.origin_code, "from": str(m.from_site or m.from_estate or m.from_org or m.from_label),
             "to": str(m.to_site or m.to_org or m.to_label), "plate": m.plate, "flags": m.flags} for m in rows]


@router.get("/carbon", response={200: dict, **ERRORS}, summary="碳减排：基准情景与实际情景的分类别、分去向明细")
def carbon_figure(request, region: str = "", estate: int | None = None, period: str = "month", at: str = ""):
    user = _view(request)
    r, e = _place(user, region, estate)
    w = selectors.parse_window(period, at)
    out = carbon.carbon_balance(w=w, region=r, estate=e)
    out["children"] = carbon.carbon_by_child(region=r, w=w, user=user) if r else []
    return out


class FactorOut(Schema):
    code: str
    group: str
    name: str
    value: float
    unit: str
    source: str
    certainty: str
    note: str


class FactorIn(Schema):
    value: str
    source: str | None = None
    note: str | None = None


@router.get("/factors", response=list[FactorOut], summary="碳排放因子与指标系数（可编辑，带来源）")
def factor_list(request):
    _view(request)
    return list(Factor.objects.all())


@router.put("/factors/{code}", response={200: FactorOut, **ERRORS}, summary="修改因子（记入变更记录）")
def factor_put(request, code: str, payload: FactorIn):
    require(request, "reports.manage")
    factor = Factor.objects.filter(code=code).first()
    if factor is None:
        raise Http404(f"因子“{code}”不存在")
    return services.factor_update(actor=request.auth, factor=factor, value=payload.value, source=payload.source, note=payload.note,
                                  audit_source="api")


@router.get("/rankings", response={200: list[dict], **ERRORS}, summary="小区考核得分与镇街、县内排名")
def rankings(request, region: str = "", at: str = "", limit: int = 100):
    user = _view(request)
    r = selectors.region_visible(user=user, code=region)
    ranked = assess(estates=estates_in(r), w=selectors.parse_window("month", at))
    return [{"estate": a.estate.pk, "code": a.estate.code, "name": a.estate.name, "region_code": a.estate.region_id, "score": a.score,
             "street_rank": a.street_rank, "county_rank": a.county_rank, "items": a.items} for a in ranked[:max(1, min(limit, 5000))]]


class RubricRow(Schema):
    code: str
    weight: str | None = None
    best: str | None = None
    worst: str | None = None


@router.put("/rubric", response={200: list[dict], **ERRORS}, summary="修改考核细则的权重与评分点（权重之和 100）")
def rubric_put(request, payload: list[RubricRow]):
    require(request, "reports.manage")
    items = services.rubric_update(actor=request.auth, items=[p.dict(exclude_none=True) for p in payload], audit_source="api")
    return [{"code": i.code, "name": i.name, "indicator": i.indicator, "weight": float(i.weight), "best": i.best, "worst": i.worst} for i in items]


class PublishIn(Schema):
    region: str
    month: str
    size: int = 5


def _publication(p: ListPublication) -> dict:
    return {"id": p.pk, "month": p.month.strftime("%Y-%m"), "region_code": p.region_code, "size": p.size, "published_at": p.published_at,
            "published_by": p.published_by, "rubric": p.rubric,
            "entries": [{"kind": e.kind, "estate": e.estate_id, "name": e.estate.name, "code": e.estate.code, "rank": e.rank, "score": e.score,
                         "change": e.change} for e in p.entries.select_related("estate")]}


@router.post("/lists", response={201: dict, **ERRORS}, summary="发布某月红黑榜（县或全市）")
def lists_publish(request, payload: PublishIn):
    require(request, "reports.manage")
    r = selectors.region_visible(user=request.auth, code=payload.region)
    p = services.lists_publish(actor=request.auth, region=r, month=selectors.parse_window("month", payload.month).start, size=payload.size,
                               audit_source="api")
    return Status(201, _publication(p))


@router.get("/lists", response={200: list[dict], **ERRORS}, summary="已发布的红黑榜及上榜、退出历史")
def lists(request, region: str = ""):
    user = _view(request)
    r = selectors.region_visible(user=user, code=region)
    return [_publication(p) for p in selectors.publications_of(region=r).prefetch_related("entries")]


@router.get("/zero-waste", response={200: dict, **ERRORS}, summary="无废指数：一级、二级得分与主要短板")
def zero_waste_index(request, region: str = "", period: str = "month", at: str = ""):
    user = _view(request)
    r = selectors.region_visible(user=user, code=region)
    if r.level not in ("city", "county"):
        raise ServiceError("无废指数按全市和县（市、区）计算", details=[{"field": "region", "reason": f"“{r.name}”不是市级或县级区划"}])
    return zero_waste.index_compute(user=user, region=r, w=selectors.parse_window(period, at))


@router.get("/zero-waste/series", response={200: list[dict], **ERRORS}, summary="无废指数月度走势")
def zero_waste_series(request, region: str = "", at: str = "", count: int = 12):
    user = _view(request)
    r = selectors.region_visible(user=user, code=region)
    w = selectors.parse_window("month", at)
    windows = [w]
    while len(windows) < max(1, min(count, 36)):
        windows.insert(0, windows[0].previous())
    out = []
    for x in windows:
        result = zero_waste.index_compute(user=user, region=r, w=x)
        out.append({"period": x.label, "index": result["index"], "first_level": {f["code"]: f["score"] for f in result["first_level"]}})
    return out


class NodeIn(Schema):
    weight: str | None = None
    target: str | None = None
    floor: str | None = None
    normalisation: str | None = None


@router.put("/zero-waste/nodes/{code}", response={200: dict, **ERRORS}, summary="修改无废指数指标的权重、目标与标准化方法")
def zero_waste_node_put(request, code: str, payload: NodeIn):
    require(request, "reports.manage")
    node = IndexNode.objects.filter(code=code).first()
    if node is None:
        raise Http404(f"无废指数指标“{code}”不存在")
    node = services.index_node_update(actor=request.auth, node=node, audit_source="api", **payload.dict(exclude_none=True))
    return {"code": node.code, "name": node.name, "weight": float(node.weight), "target": node.target, "floor": node.floor,
            "normalisation": node.normalisation}


class ReportIn(Schema):
    kind: str = "monthly"
    at: str
    region: str = ""
    format: str = "xlsx"


def _file(f: ReportFile) -> dict:
    return {"id": f.pk, "kind": f.kind, "start": f.start, "region_code": f.region_code, "format": f.format, "size": f.size,
            "filename": f.filename, "generated_at": f.generated_at, "generated_by": f.generated_by}


@router.post("/files", response={201: dict, **ERRORS}, summary="立即生成月报或年报（Excel 或 PDF）")
def report_create(request, payload: ReportIn):
    user = _view(request)
    r = selectors.region_visible(user=user, code=payload.region)
    period = "year" if payload.kind == "annual" else "month"
    f = services.report_generate(actor=user, kind=payload.kind, start=selectors.parse_window(period, payload.at).start, region=r,
                                 fmt=payload.format, audit_source="api")
    return Status(201, _file(f))


@router.get("/files", response={200: list[dict], **ERRORS}, summary="已生成的报表")
def report_list(request, region: str = ""):
    user = _view(request)
    r = selectors.region_visible(user=user, code=region)
    return [_file(f) for f in selectors.report_files_of(region=r)]


@router.get("/files/{pk}", response={404: ErrorOut, 403: ErrorOut}, summary="下载报表文件")
def report_download(request, pk: int):
    user = _view(request)
    return file_download(selectors.report_file_get(user=user, pk=pk))


def file_download(f: ReportFile) -> HttpResponse:
    types = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "pdf": "application/pdf"}
    response = HttpResponse(bytes(f.content), content_type=types[f.format])
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f.filename)}"
    return response


@router.post("/refresh", response={200: dict, **ERRORS}, summary="立即刷新预计算汇总（通常由每分钟的定时任务完成）")
def refresh_now(request):
    require(request, "reports.manage")
    return refresh.aggregates_refresh()

