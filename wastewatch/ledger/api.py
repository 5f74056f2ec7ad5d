"""The ledger's HTTP API: movements, manifests, facility data, mass balance and traceability. Thin: services write,
selectors read with the caller's scope."""
from datetime import date

from django.db.models import Sum
from ninja import Query, Router, Schema, Status

from wastewatch.core.api import require
from wastewatch.core.schemas import ErrorOut

from . import selectors, services
from .presenters import movement_dict
from .schemas import MovementIn, MovementOut, MovementPage

router = Router(tags=["收运处台账"])
MAX_PAGE_SIZE = 500


def _paging(filters):
    """The filters without the paging, the page and its size (bounded)."""
    params = filters.dict()
    return params, max(1, params.pop("page")), max(1, min(params.pop("page_size"), MAX_PAGE_SIZE))


class MovementFilter(Schema):
    day_from: date | None = None
    day_to: date | None = None
    stage: str = ""
    category: str = ""
    site: str = ""
    plate: str = ""
    region: str = ""
    flagged: bool | None = None
    page: int = 1
    page_size: int = 50


@router.get("/movements", response={200: MovementPage, 403: ErrorOut}, summary="台账记录列表")
def movement_list(request, filters: Query[MovementFilter]):
    require(request, "ledger.view")
    params, page, size = _paging(filters)
    qs = selectors.movement_list(user=request.auth, **params)
    count = qs.count()
    tonnes = qs.aggregate(t=Sum("net_t"))["t"] or 0
    items = [movement_dict(m, user=request.auth) for m in qs[(page - 1) * size: page * size]]
    return {"count": count, "page": page, "page_size": size, "tonnes": float(tonnes), "items": items}


@router.get("/movements/{int:pk}", response={200: MovementOut, 403: ErrorOut, 404: ErrorOut}, summary="台账记录详情")
def movement_detail(request, pk: int):
    require(request, "ledger.view")
    return movement_dict(selectors.movement_get(user=request.auth, pk=pk), user=request.auth)


@router.post("/movements", response={201: MovementOut, 400: ErrorOut, 403: ErrorOut, 422: ErrorOut}, summary="录入台账记录（过磅、转运、产物去向）")
def movement_create(request, payload: MovementIn):
    require(request, "ledger.add")
    movement = services.movement_record_by_codes(actor=request.auth, data=payload.dict(), source="page", audit_source="api")
    return Status(201, movement_dict(selectors.movement_get(user=request.auth, pk=movement.pk), user=request.auth))


def _days(day_from, day_to):
    from datetime import timedelta

    from django.utils import timezone

    from wastewatch.core.errors import ServiceError

    day_to = day_to or timezone.localdate()
    day_from = day_from or day_to
    if day_from > day_to:
        raise ServiceError("日期范围有误", details=[{"field": "day_from", "reason": "开始日期不能晚于结束日期"}])
    if day_to - day_from > timedelta(days=366):
        raise ServiceError("日期范围过大", details=[{"field": "day_from", "reason": "一次最多查询 366 天"}])
    return day_from, day_to


class BalanceFilter(Schema):
    day_from: date | None = None
    day_to: date | None = None
    region: str = ""
    site: str = ""
    flagged: bool = False


@router.get("/balance", response={200: dict, 400: ErrorOut, 403: ErrorOut}, summary="物料平衡（点位设施、区县、全市，按日）")
def balance(request, filters: Query[BalanceFilter]):
    require(request, "ledger.view")
    day_from, day_to = _days(filters.day_from, filters.day_to)
    return selectors.balance_list(user=request.auth, day_from=day_from, day_to=day_to, region=filters.region, site=filters.site,
                                  flagged_only=filters.flagged)


class TraceFilter(Schema):
    estate: str = ""
    site: str = ""
    day_from: date | None = None
    day_to: date | None = None


@router.get("/trace/forward", response={200: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
            summary="去向追溯：从小区或产生单位到处置设施、产物及其去向（桑基图数据）")
def trace_forward(request, filters: Query[TraceFilter]):
    require(request, "ledger.view")
    if not (filters.estate or filters.site):
        from wastewatch.core.errors import ServiceError

        raise ServiceError("请指定追溯起点", details=[{"field": "estate", "reason": "请填写小区编码 estate 或点位设施编码 site"}])
    day_from, day_to = _days(filters.day_from, filters.day_to)
    return selectors.trace_forward_from(user=request.auth, estate=filters.estate, site=filters.site, day_from=day_from, day_to=day_to)


@router.get("/trace/backward", response={200: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
            summary="来源追溯：从处置设施或中转站回溯到区县、镇街、小区（桑基图数据）")
def trace_backward(request, filters: Query[TraceFilter]):
    require(request, "ledger.view")
    if not filters.site:
        from wastewatch.core.errors import ServiceError

        raise ServiceError("请指定追溯的设施", details=[{"field": "site", "reason": "请填写处置设施或中转站编码 site"}])
    day_from, day_to = _days(filters.day_from, filters.day_to)
    return selectors.trace_backward_to(user=request.auth, site=filters.site, day_from=day_from, day_to=day_to)


# -- manifests ------------------------------------------------------------------------------------------------------

from .manifest_presenter import manifest_dict  # noqa: E402
from .refs import Refs  # noqa: E402
from .schemas import ManifestCorrectionIn, ManifestIn, ManifestStepIn  # noqa: E402


class ManifestFilter(Schema):
    status: str = ""
    category: str = ""
    generator: str = ""
    discrepancy: bool | None = None
    page: int = 1
    page_size: int = 50


@router.get("/manifests", response={200: dict, 403: ErrorOut}, summary="转移联单列表")
def manifest_list(request, filters: Query[ManifestFilter]):
    require(request, "ledger.view")
    params, page, size = _paging(filters)
    qs = selectors.manifest_list(user=request.auth, **params)
    return {"count": qs.count(), "page": page, "page_size": size,
            "items": [manifest_dict(m) for m in qs[(page - 1) * size: page * size]]}


@router.get("/manifests/{number}", response={200: dict, 403: ErrorOut, 404: ErrorOut}, summary="联单详情及全部记录")
def manifest_detail(request, number: str):
    require(request, "ledger.view")
    return manifest_dict(selectors.manifest_get(user=request.auth, number=number), with_events=True)


@router.post("/manifests", response={201: dict, 400: ErrorOut, 403: ErrorOut, 422: ErrorOut}, summary="开具转移联单")
def manifest_create(request, payload: ManifestIn):
    require(request, "ledger.add")
    refs, problems = Refs(), []
    generator, receiver, hauler = refs.site(payload.generator), refs.site(payload.receiver), refs.org(payload.hauler)
    for value, obj, field, label in ((payload.generator, generator, "generator", "产生单位"), (payload.receiver, receiver, "receiver", "接收设施"),
                                     (payload.hauler, hauler, "hauler", "运输单位")):
        if obj is None:
            problems.append({"field": field, "reason": f"{label}“{value}”不存在"})
    vehicle = refs.vehicle(payload.plate) if payload.plate else None
    if payload.plate and vehicle is None:
        problems.append({"field": "plate", "reason": f"车辆“{payload.plate}”未登记"})
    if problems:
        from wastewatch.core.errors import ServiceError

        raise ServiceError("联单信息有误，未保存", details=problems)
    m = services.manifest_create(actor=request.auth, category=payload.category, waste_name=payload.waste_name, generator=generator,
                                 hauler=hauler, receiver=receiver, shipped_t=payload.shipped_t, planned_on=payload.planned_on,
                                 vehicle=vehicle)
    return Status(201, manifest_dict(m, with_events=True))


def _step(request, number, step, payload):
    require(request, "ledger.view")
    m = selectors.manifest_get(user=request.auth, number=number)
    if step == "schedule":
        services.manifest_schedule(actor=request.auth, manifest=m)
    elif step == "pickup":
        vehicle = Refs().vehicle(payload.plate) if payload.plate else None
        services.manifest_pickup(actor=request.auth, manifest=m, hauled_t=payload.weight_t, vehicle=vehicle)
    elif step == "receive":
        services.manifest_receive(actor=request.auth, manifest=m, received_t=payload.weight_t, rejected_t=payload.rejected_t,
                                  rejection_reason=payload.rejection_reason)
    elif step == "sign":
        services.manifest_sign(actor=request.auth, manifest=m)
    elif step == "cancel":
        services.manifest_cancel(actor=request.auth, manifest=m, reason=payload.reason)
    return manifest_dict(selectors.manifest_get(user=request.auth, number=number), with_events=True)


STEPS = {"schedule": "产生单位确认发运", "pickup": "运输单位签收起运（填承运重量）", "receive": "接收单位过磅接收（可部分或全部拒收）",
         "sign": "接收单位签收办结", "cancel": "作废联单（草稿或待转移）"}
for _name, _summary in STEPS.items():
    def _make(step):
        def handler(request, number: str, payload: ManifestStepIn):
            return _step(request, number, step, payload)
        handler.__name__ = f"manifest_{step}"
        return handler

    router.post(f"/manifests/{{number}}/{_name}", response={200: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
                summary=_summary, operation_id=f"ledger_manifest_{_name}")(_make(_name))


@router.post("/manifests/{number}/correct", response={200: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             summary="更正联单（保留更正前后记录）")
def manifest_correct(request, number: str, payload: ManifestCorrectionIn):
    require(request, "ledger.view")
    m = selectors.manifest_get(user=request.auth, number=number)
    changes = {k: v for k, v in payload.dict().items() if k != "reason" and v is not None}
    services.manifest_correct(actor=request.auth, manifest=m, changes=changes, reason=payload.reason)
    return manifest_dict(selectors.manifest_get(user=request.auth, number=number), with_events=True)
