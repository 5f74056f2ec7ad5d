"""Every write to the tracking configuration: collection plans and geofences (fixes go through pipeline.py)."""
from datetime import time

from django.db import transaction

from wastewatch.core.audit import audit_write
from wastewatch.core.errors import ServiceError
from wastewatch.registry.models import Site, Vehicle

from .choices import FenceShape
from .models import CollectionPlan, Geofence, PlanPoint

MAX_POINTS = 200


def _plan_snapshot(plan: CollectionPlan) -> dict:
    return {"name": plan.name, "vehicle": plan.vehicle.plate, "weekdays": plan.weekdays, "is_active": plan.is_active,
            "points": [[pt.site.code, pt.window_start.strftime("%H:%M"), pt.window_end.strftime("%H:%M")]
                       for pt in plan.points.select_related("site").order_by("seq")]}


def _checked_points(points, *, vehicle: Vehicle) -> list[tuple[Site, time, time]]:
    """points: (site, start, end). Every problem is named by its index and field, all at once."""
    details = []
    if not points:
        details.append({"field": "points", "reason": "收运计划至少要有一个点位"})
    if len(points) > MAX_POINTS:
        details.append({"field": "points", "reason": f"一个收运计划最多 {MAX_POINTS} 个点位"})
    for i, (site, start, end) in enumerate(points):
        if site is None:
            details.append({"index": i, "field": "site", "reason": "点位设施不存在或不在您的数据权限范围内"})
            continue
        if site.lon is None or site.lat is None:
            details.append({"index": i, "field": "site", "reason": f"点位设施“{site.name}”没有坐标，无法判断是否到点"})
        if start >= end:
            details.append({"index": i, "field": "window_end", "reason": f"时间窗结束 {end:%H:%M} 应晚于开始 {start:%H:%M}"})
        if site.region_id[:6] != vehicle.region_id[:6] and site.kind in ("dropoff", "staging", "collection"):
            details.append({"index": i, "field": "site", "reason": f"点位“{site.name}”不在车辆所属的县（{vehicle.region_id[:6]}）"})
    if details:
        raise ServiceError("收运计划有误", details=details)
    return points


def _check_weekdays(weekdays: str) -> str:
    days = "".join(sorted(set(weekdays)))
    if not days or any(d not in "1234567" for d in days):
        raise ServiceError("执行日有误", details=[{"field": "weekdays", "reason": "应为 1–7 的数字组合，1 表示周一，例如 12345"}])
    return days


@transaction.atomic
def collection_plan_save(*, actor, vehicle: Vehicle, name: str, weekdays: str, points, plan: CollectionPlan | None = None,
                         source: str = "api") -> CollectionPlan:
    """Create a plan, or replace an existing plan's name, days and points."""
    name = (name or "").strip()
    if not name:
        raise ServiceError("计划名称不能为空", details=[{"field": "name", "reason": "请填写计划名称"}])
    weekdays = _check_weekdays(weekdays)
    points = _checked_points(list(points), vehicle=vehicle)
    before = _plan_snapshot(plan) if plan is not None else None
    if plan is None:
        plan = CollectionPlan(vehicle=vehicle)
    plan.name, plan.weekdays, plan.vehicle, plan.region_code = name[:100], weekdays, vehicle, vehicle.region_id
    plan.save()
    plan.points.all().delete()
    PlanPoint.objects.bulk_create([PlanPoint(plan=plan, seq=i + 1, site=site, window_start=start, window_end=end)
                                   for i, (site, start, end) in enumerate(points)])
    audit_write(actor=actor, source=source, action="update" if before else "create", obj=plan, region_code=plan.region_code,
                before=before, after=_plan_snapshot(plan))
    return plan


@transaction.atomic
def collection_plan_set_active(*, actor, plan: CollectionPlan, active: bool, source: str = "api") -> CollectionPlan:
    if plan.is_active != active:
        plan.is_active = active
        plan.save(update_fields=["is_active", "updated_at"])
        audit_write(actor=actor, source=source, action="enable" if active else "disable", obj=plan, region_code=plan.region_code,
                    before={"is_active": not active}, after={"is_active": active})
    return plan


@transaction.atomic
def collection_plans_bulk_create(*, actor, plans: list[tuple[Vehicle, str, str, list]], source: str = "demo") -> int:
    """Many new plans at once (the demo city, an import): (vehicle, name, weekdays, points) each, checked like one."""
    made = [CollectionPlan(vehicle=v, name=name, weekdays=_check_weekdays(days), region_code=v.region_id)
            for v, name, days, points in plans]
    checked = [_checked_points(points, vehicle=v) for v, _, _, points in plans]
    CollectionPlan.objects.bulk_create(made, batch_size=500)
    PlanPoint.objects.bulk_create([PlanPoint(plan=plan, seq=i + 1, site=site, window_start=start, window_end=end)
                                   for plan, points in zip(made, checked) for i, (site, start, end) in enumerate(points)],
                                  batch_size=1000)
    from wastewatch.core.models import AuditRecord

    AuditRecord.objects.bulk_create([audit_write.prepare(actor=actor, source=source, action="create", obj=plan, region_code=plan.region_code,
                                                         after={"name": plan.name, "vehicle": plan.vehicle.plate, "points": len(points)})
                                     for plan, points in zip(made, checked)], batch_size=1000)
    return len(made)


@transaction.atomic
def geofence_save(*, actor, site: Site, shape: str, radius_m: int | None = None, polygon=None, source: str = "api") -> Geofence:
    """Set a site's fence: a circle of radius_m metres around it, or a polygon of at least three [lon, lat] vertices."""
    details = []
    if shape not in FenceShape.values:
        details.append({"field": "shape", "reason": "应为 circle（圆形）或 polygon（多边形）"})
    elif shape == FenceShape.CIRCLE and not (radius_m and 10 <= radius_m <= 5000):
        details.append({"field": "radius_m", "reason": "圆形围栏半径应在 10–5000 米之间"})
    elif shape == FenceShape.POLYGON:
        polygon = polygon or []
        if len(polygon) < 3:
            details.append({"field": "polygon", "reason": "多边形至少需要 3 个顶点"})
        for i, vertex in enumerate(polygon):
            if not (isinstance(vertex, (list, tuple)) and len(vertex) == 2 and 73 <= vertex[0] <= 136 and 3 <= vertex[1] <= 54):
                details.append({"index": i, "field": "polygon", "reason": "顶点应为 [经度, 纬度]（WGS-84，中国境内）"})
    if details:
        raise ServiceError("电子围栏有误", details=details)
    fence = Geofence.objects.filter(site=site).first()
    before = {"shape": fence.shape, "radius_m": fence.radius_m, "polygon": fence.polygon} if fence else None
    fence = fence or Geofence(site=site)
    fence.region_code, fence.shape = site.region_id, shape
    fence.radius_m = radius_m if shape == FenceShape.CIRCLE else None
    fence.polygon = [list(map(float, v)) for v in polygon] if shape == FenceShape.POLYGON else []
    fence.save()
    audit_write(actor=actor, source=source, action="update" if before else "create", obj=fence, region_code=site.region_id,
                before=before, after={"shape": fence.shape, "radius_m": fence.radius_m, "polygon": fence.polygon})
    return fence
