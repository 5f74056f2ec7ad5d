"""Vehicle supervision API: live positions, a vehicle's day (track, stops, trips, visits, plan against actual),
compliance per hauler or street, collection plans, geofences and the rules' parameters."""
from datetime import date, time

from django.http import Http404
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from wastewatch.core.api import require
from wastewatch.core.schemas import ErrorOut

from . import rules, selectors, services
from .geometry import local_day, local_text
from .models import VehicleDay

router = Router(tags=["车辆监管"])


class LiveOut(Schema):
    plate: str
    region_code: str
    at: str = Field(description="定位时间（北京时间）")
    lon: float
    lat: float
    speed: float
    heading: int
    site: str | None = Field(None, description="当前所在点位编码")
    alarm: int


def live_row(lp) -> dict:
    return {"plate": lp.vehicle.plate, "region_code": lp.region_code, "at": local_text(lp.at), "lon": lp.lon, "lat": lp.lat,
            "speed": lp.speed, "heading": lp.heading, "site": lp.site.code if lp.site_id else None, "alarm": lp.alarm}


@router.get("/live", response=list[LiveOut], summary="车辆最新位置")
def live(request):
    require(request, "tracking.view")
    return [live_row(lp) for lp in selectors.latest_positions(user=request.auth)]


class DayQuery(Schema):
    day: date | None = Field(None, description="日期 yyyy-MM-dd，默认今天")


class StopOut(Schema):
    start: str
    end: str
    duration_s: int
    lon: float
    lat: float


class TripOut(Schema):
    start: str
    end: str
    distance_km: float
    max_speed: float


class VisitOut(Schema):
    site: str
    site_name: str
    site_kind: str
    entered_at: str
    left_at: str | None
    duration_s: int


class PointOut(Schema):
    seq: int
    site: str
    site_name: str
    lon: float | None
    lat: float | None
    window: str
    status: str
    status_label: str
    arrived_at: str | None


class UnplannedOut(Schema):
    start: str
    end: str
    duration_s: int
    lon: float
    lat: float
    site: str | None


class AlertOut(Schema):
    kind: str
    kind_label: str
    title: str
    first_at: str
    last_at: str
    count: int
    lon: float | None
    lat: float | None


def alert_row(a) -> dict:
    return {"kind": a.kind, "kind_label": a.get_kind_display(), "title": a.title, "first_at": local_text(a.first_at),
            "last_at": local_text(a.last_at), "count": a.count, "lon": a.lon, "lat": a.lat}


def _float(value):
    return float(value) if value is not None else None


class ReportedOut(Schema):
    trips: int
    weight_t: float
    mileage_km: float
    work_hours: float
    points: int | None


class VehicleDayOut(Schema):
    plate: str
    day: date
    fixes: list[list] = Field(description="[北京时间, 经度, 纬度, 速度, 方向, 报警标志]")
    stops: list[StopOut]
    trips: list[TripOut]
    visits: list[VisitOut]
    plan: list[PointOut]
    unplanned_stops: list[UnplannedOut]
    alerts: list[AlertOut]
    reported: ReportedOut | None = Field(None, description="区县系统报送的当日运营数据（运输车辆运营数据接口）")


def vehicle_day_body(vehicle, day: date, *, user) -> dict:
    data = selectors.vehicle_day(vehicle, day)
    compared = selectors.plan_against_actual(vehicle, day, now=timezone.now(), visits=data["visits"], stops=data["stops"])
    site_codes = {v.site_id: v.site.code for v in data["visits"]}
    return {
        "plate": vehicle.plate, "day": day,
        "fixes": [[local_text(at), lon, lat, speed, heading, alarm] for at, lon, lat, speed, heading, alarm in data["fixes"]],
        "stops": [{"start": local_text(s.start), "end": local_text(s.end), "duration_s": s.duration_s, "lon": round(s.lon, 6),
                   "lat": round(s.lat, 6)} for s in data["stops"]],
        "trips": [{"start": local_text(t.start), "end": local_text(t.end), "distance_km": t.distance_km, "max_speed": t.max_speed}
                  for t in data["trips"]],
        "visits": [{"site": v.site.code, "site_name": v.site.name, "site_kind": v.site.get_kind_display(), "entered_at": local_text(v.entered_at),
                    "left_at": local_text(v.left_at) if v.left_at else None, "duration_s": v.duration_s} for v in data["visits"]],
        "plan": [{"seq": r["point"].seq, "site": r["point"].site.code, "site_name": r["point"].site.name,
                  "lon": _float(r["point"].site.lon), "lat": _float(r["point"].site.lat),
                  "window": f"{r['point'].window_start:%H:%M}-{r['point'].window_end:%H:%M}", "status": r["status"],
                  "status_label": selectors.STATUS_LABELS[r["status"]],
                  "arrived_at": local_text(r["arrived_at"]) if r["arrived_at"] else None} for r in compared["points"]],
        "unplanned_stops": [{"start": local_text(u["stop"].start), "end": local_text(u["stop"].end), "duration_s": u["stop"].duration_s,
                             "lon": round(u["stop"].lon, 6), "lat": round(u["stop"].lat, 6), "site": site_codes.get(u["site_id"])}
                            for u in compared["unplanned"]],
        "alerts": [alert_row(a) for a in selectors.vehicle_alerts(user=user, vehicle=vehicle, day=day)],
        "reported": _reported(VehicleDay.objects.filter(vehicle=vehicle, day=day).first()),
    }


def _reported(row) -> dict | None:
    if row is None:
        return None
    return {"trips": row.trips, "weight_t": float(row.weight_t), "mileage_km": float(row.mileage_km),
            "work_hours": float(row.work_hours), "points": row.points}


@router.get("/vehicles/{plate}/day", response=VehicleDayOut, summary="车辆当日轨迹、停留点、行程、到点与计划执行")
def vehicle_day(request, plate: str, query: Query[DayQuery]):
    require(request, "tracking.view")
    vehicle = selectors.vehicle_get(user=request.auth, plate=plate)
    return vehicle_day_body(vehicle, query.day or local_day(timezone.now()), user=request.auth)


class ComplianceQuery(Schema):
    day: date | None = None
    group: str = Field("hauler", pattern="^(hauler|street)$", description="hauler 按收运企业，street 按镇街")


class ComplianceOut(Schema):
    key: str
    name: str
    planned: int
    on_time: int
    late: int
    missed: int
    on_time_rate: float | None


@router.get("/compliance", response=list[ComplianceOut], summary="定时定点收运执行情况（按企业或镇街）")
def compliance(request, query: Query[ComplianceQuery]):
    require(request, "tracking.view")
    return selectors.compliance_summary(user=request.auth, day=query.day or local_day(timezone.now()), group=query.group)


class PlanPointIn(Schema):
    site: str = Field(description="点位设施编码")
    window_start: time
    window_end: time


class PlanIn(Schema):
    vehicle: str = Field(description="车牌号")
    name: str
    weekdays: str = "1234567"
    points: list[PlanPointIn]


class PlanPointOut(Schema):
    seq: int
    site: str
    site_name: str
    window_start: str
    window_end: str


class PlanOut(Schema):
    id: int
    name: str
    vehicle: str
    weekdays: str
    is_active: bool
    points: list[PlanPointOut]


def plan_out(plan) -> dict:
    return {"id": plan.pk, "name": plan.name, "vehicle": plan.vehicle.plate, "weekdays": plan.weekdays, "is_active": plan.is_active,
            "points": [{"seq": pt.seq, "site": pt.site.code, "site_name": pt.site.name, "window_start": f"{pt.window_start:%H:%M}",
                        "window_end": f"{pt.window_end:%H:%M}"} for pt in plan.points.all()]}


@router.get("/plans", response=list[PlanOut], summary="收运计划")
def plans(request, vehicle: str | None = None):
    require(request, "tracking.view")
    qs = selectors.plans_scoped(user=request.auth).select_related("vehicle").prefetch_related("points__site")
    if vehicle:
        qs = qs.filter(vehicle__plate=vehicle)
    return [plan_out(p) for p in qs[:500]]


def _plan_args(request, payload: PlanIn) -> dict:
    vehicle = selectors.vehicle_get(user=request.auth, plate=payload.vehicle)
    points = []
    for p in payload.points:
        try:
            site = selectors.site_get(user=request.auth, code=p.site)
        except Http404:
            site = None  # refused by the service with the point's index, beside any other problem of the plan
        points.append((site, p.window_start, p.window_end))
    return {"vehicle": vehicle, "name": payload.name, "weekdays": payload.weekdays, "points": points}


@router.post("/plans", response={201: PlanOut, 400: ErrorOut, 404: ErrorOut}, summary="新建收运计划")
def plan_create(request, payload: PlanIn):
    require(request, "tracking.manage")
    plan = services.collection_plan_save(actor=request.auth, **_plan_args(request, payload))
    return Status(201, plan_out(selectors.plan_get(user=request.auth, pk=plan.pk)))


@router.put("/plans/{plan_id}", response={200: PlanOut, 400: ErrorOut, 404: ErrorOut}, summary="修改收运计划")
def plan_update(request, plan_id: int, payload: PlanIn):
    require(request, "tracking.manage")
    plan = selectors.plan_get(user=request.auth, pk=plan_id)
    services.collection_plan_save(actor=request.auth, plan=plan, **_plan_args(request, payload))
    return plan_out(selectors.plan_get(user=request.auth, pk=plan_id))


class ActiveIn(Schema):
    is_active: bool


@router.post("/plans/{plan_id}/active", response={200: PlanOut, 404: ErrorOut}, summary="启用或停用收运计划")
def plan_active(request, plan_id: int, payload: ActiveIn):
    require(request, "tracking.manage")
    plan = selectors.plan_get(user=request.auth, pk=plan_id)
    services.collection_plan_set_active(actor=request.auth, plan=plan, active=payload.is_active)
    return plan_out(selectors.plan_get(user=request.auth, pk=plan_id))


class GeofenceIn(Schema):
    shape: str = Field(description="circle 圆形 / polygon 多边形")
    radius_m: int | None = None
    polygon: list[list[float]] | None = Field(None, description="[[经度, 纬度], …]，WGS-84")


class GeofenceOut(Schema):
    site: str
    shape: str
    radius_m: int | None
    polygon: list[list[float]]


@router.put("/geofences/{site_code}", response={200: GeofenceOut, 400: ErrorOut, 404: ErrorOut}, summary="设置点位电子围栏")
def geofence_put(request, site_code: str, payload: GeofenceIn):
    require(request, "tracking.manage")
    site = selectors.site_get(user=request.auth, code=site_code)
    fence = services.geofence_save(actor=request.auth, site=site, shape=payload.shape, radius_m=payload.radius_m, polygon=payload.polygon)
    return {"site": site.code, "shape": fence.shape, "radius_m": fence.radius_m, "polygon": fence.polygon}


class RuleOut(Schema):
    name: str
    value: float
    doc: str


@router.get("/rules", response=list[RuleOut], summary="车辆规则参数及说明")
def rule_parameters(request):
    require(request, "tracking.view")
    return rules.Rules.doc()


@router.get("/alerts", response=list[AlertOut], summary="车辆规则告警（最新 50 条）")
def alerts(request):
    require(request, "tracking.view")
    return [alert_row(a) for a in selectors.vehicle_alerts(user=request.auth)]
