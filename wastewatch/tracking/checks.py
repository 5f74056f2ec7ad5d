"""The rules that are judged after the fact, by the minute (tasks.py): planned points whose window has passed
(missed or late), vehicles silent during their shift (offline), visits to weighing sites with no intake record
(weighing missing, judged once the data has had time to arrive), intakes by unregistered vehicles, and the
retention of fixes. Each is idempotent: a result or an alert's source_ref records what was already decided."""
from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction

from wastewatch.events.models import AlertOccurrence
from wastewatch.events.services import alert_raise
from wastewatch.ledger.models import Movement
from wastewatch.registry.models import Vehicle

from . import rules as rule_params
from .choices import PointStatus
from .geometry import SHANGHAI, local_day, local_text
from .models import CollectionPlan, LatestPosition, PointResult, Position, Visit
from .pipeline import evidence_positions, planned_routes, route_at

STAGE_NAMES = {"transfer_in": "中转站进站", "sorting_in": "分拣中心入库", "facility_in": "处置设施进场"}


def point_results_evaluate(*, actor=None, now: datetime) -> list[PointResult]:
    """Decide each planned point of today and yesterday whose window, plus the grace, is over: served on time (a visit
    overlapping the window), late (first arrival after the window, within the grace) or missed; raise an alert for
    each late or missed point of a vehicle that reported that day."""
    p = rule_params.active()
    grace = timedelta(seconds=p.late_grace_s)
    today = local_day(now)
    decided = []
    for day in (today - timedelta(days=1), today):
        plans = [pl for pl in CollectionPlan.objects.filter(is_active=True).select_related("vehicle").prefetch_related("points__site")
                 if pl.runs_on(day)]
        done = set(PointResult.objects.filter(day=day).values_list("point_id", flat=True))
        due = [(pl, pt) for pl in plans for pt in pl.points.all()
               if pt.pk not in done and datetime.combine(day, pt.window_end, SHANGHAI) + grace <= now]
        if not due:
            continue
        visits = defaultdict(list)
        for v in Visit.objects.filter(vehicle_id__in={pl.vehicle_id for pl, _ in due}, day=day):
            if v.duration_s >= p.visit_min_s:
                visits[(v.vehicle_id, v.site_id)].append(v)
        heard = set(Position.objects.filter(day=day, vehicle_id__in={pl.vehicle_id for pl, _ in due})
                    .values_list("vehicle_id", flat=True).distinct())
        for plan, point in due:
            decided.append(_decide(actor, plan, point, day, visits[(plan.vehicle_id, point.site_id)], grace,
                                   alert=plan.vehicle_id in heard))
    return decided


def _decide(actor, plan, point, day, visits, grace, *, alert: bool) -> PointResult:
    """alert: whether to raise late or missed; a vehicle that sent no fix all day is recorded missed at every point
    but raises no alert per point — it is the offline rule's, one alert rather than a dozen."""
    start = datetime.combine(day, point.window_start, SHANGHAI)
    end = datetime.combine(day, point.window_end, SHANGHAI)
    on_time = next((v for v in visits if v.entered_at <= end and (v.left_at or v.last_seen_at) >= start), None)
    late = next((v for v in visits if end < v.entered_at <= end + grace), None)
    status = PointStatus.ON_TIME if on_time else PointStatus.LATE if late else PointStatus.MISSED
    vehicle, site = plan.vehicle, point.site
    with transaction.atomic():
        result, _ = PointResult.objects.update_or_create(point=point, day=day, defaults={
            "vehicle": vehicle, "hauler_id": vehicle.hauler_id, "region_code": site.region_id, "status": status,
            "visit": on_time or late,
        })
        if status != PointStatus.ON_TIME and alert:
            window = f"{point.window_start:%H:%M}-{point.window_end:%H:%M}"
            what = f"迟到，{local_text(late.entered_at)[11:16]} 到达" if late else "未到点收运"
            track_from, track_to = start - grace, end + grace
            alert_raise(
                actor=actor, kind="late_point" if late else "missed_point", source="vehicle", at=late.entered_at if late else end,
                title=f"{vehicle.plate} 计划点位“{site.name}”（{window}）{what}", vehicle=vehicle, site=site,
                region_code=site.region_id, lon=float(site.lon) if site.lon is not None else None,
                lat=float(site.lat) if site.lat is not None else None, message=f"收运计划“{plan.name}”第 {point.seq} 个点位",
                evidence={"plan": plan.name, "window": window, "day": day.isoformat(),
                          "arrived_at": local_text(late.entered_at) if late else None,
                          "positions": evidence_positions(vehicle.pk, track_from, track_to)},
                source_ref=f"tracking:point:{point.pk}:{day.isoformat()}",
            )
    return result


def offline_check(*, actor=None, now: datetime) -> int:
    """Vehicles whose plan has them working now (the shift, with its margin) and whose last fix is older than
    offline_s: one alert per silence (keyed by the last fix), merged by the events app over the shift."""
    p = rule_params.active()
    day = local_day(now)
    vehicle_ids = [pl.vehicle_id for pl in CollectionPlan.objects.filter(is_active=True) if pl.runs_on(day)]
    routes = planned_routes(vehicle_ids, {day}, p)
    latest = LatestPosition.objects.in_bulk(vehicle_ids)
    vehicles = Vehicle.objects.in_bulk([vid for (vid, _), r in routes.items()])
    raised = 0
    for (vid, _), shifts in routes.items():
        route = route_at(shifts, now)
        if route is None or now < route.start + timedelta(seconds=p.offline_s):
            continue
        last = latest.get(vid)
        last_at = last.at if last is not None else None
        if last_at is not None and (now - last_at).total_seconds() <= p.offline_s:
            continue
        silent_from = max(last_at, route.start) if last_at else route.start
        vehicle = vehicles[vid]
        alert_raise(
            actor=actor, kind="offline", source="vehicle", at=now, vehicle=vehicle, region_code=vehicle.region_id,
            lon=last.lon if last else None, lat=last.lat if last else None,
            title=f"{vehicle.plate} 作业时段离线 {int((now - silent_from).total_seconds() // 60)} 分钟",
            message=f"作业时段 {local_text(route.start)[11:16]}-{local_text(route.end)[11:16]}，最后定位 "
                    f"{local_text(last_at) if last_at else '（今日无定位）'}",
            evidence={"last_fix_at": local_text(last_at) if last_at else None, "shift": [local_text(route.start), local_text(route.end)],
                      "checked_at": local_text(now)},
            source_ref=f"tracking:offline:{vid}:{route.start.isoformat()}:{last_at.isoformat() if last_at else 'none'}",
        )
        raised += 1
    return raised


def weighing_check(*, actor=None, now: datetime) -> int:
    """Visits to transfer stations, sorting centres and treatment facilities that ended more than weighing_grace_s
    ago: each arrival needs an intake movement of the vehicle at the site within weighing_window_s of it."""
    p = rule_params.active()
    window = timedelta(seconds=p.weighing_window_s)
    visits = list(Visit.objects.filter(weighing_checked=False, arrived=True, left_at__isnull=False,
                                       left_at__lte=now - timedelta(seconds=p.weighing_grace_s),
                                       site__kind__in=list(rule_params.INTAKE_KINDS))
                  .select_related("site", "vehicle")[:2000])
    raised = 0
    for visit in visits:
        site, vehicle = visit.site, visit.vehicle
        stage = rule_params.INTAKE_KINDS[site.kind]
        # Around the arrival: the weighbridge weighs a truck in; a truck that then parks in the yard for hours must
        # not borrow the intake of its next round.
        weighed = Movement.objects.filter(stage=stage, to_site=site, vehicle=vehicle, occurred_at__gte=visit.entered_at - window,
                                          occurred_at__lte=visit.entered_at + window).exists()
        with transaction.atomic():
            Visit.objects.filter(pk=visit.pk).update(weighing_checked=True)
            if weighed:
                continue
            alert_raise(
                actor=actor, kind="weighing_missing", source="vehicle", at=visit.entered_at, vehicle=vehicle, site=site,
                region_code=site.region_id, lon=visit.lon, lat=visit.lat,
                title=f"{vehicle.plate} 进入“{site.name}”未过磅（无{STAGE_NAMES[stage]}记录）",
                message=f"到达 {local_text(visit.entered_at)}，离开 {local_text(visit.left_at)}，到达前后 {p.weighing_window_s // 60} 分钟内无过磅记录",
                evidence={"entered_at": local_text(visit.entered_at), "left_at": local_text(visit.left_at), "stage": stage,
                          "positions": evidence_positions(vehicle.pk, visit.entered_at, visit.left_at)},
                source_ref=f"tracking:weighing:{visit.pk}",
            )
            raised += 1
    return raised


def unregistered_check(*, actor=None, now: datetime, days: int = 2) -> int:
    """Intakes at a station or facility whose plate is no registered vehicle (the ledger keeps the plate alone)."""
    stages = sorted(set(rule_params.INTAKE_KINDS.values()))
    movements = list(Movement.objects.filter(stage__in=stages, vehicle__isnull=True, to_site__isnull=False,
                                             occurred_at__gte=now - timedelta(days=days)).exclude(plate="")
                     .select_related("to_site")[:2000])
    refs = {f"tracking:unregistered:{m.pk}": m for m in movements}
    seen = set(AlertOccurrence.objects.filter(source_ref__in=list(refs)).values_list("source_ref", flat=True))
    for ref, m in refs.items():
        if ref in seen:
            continue
        site = m.to_site
        alert_raise(
            actor=actor, kind="unregistered_vehicle", source="vehicle", at=m.occurred_at, site=site, region_code=site.region_id,
            lon=float(site.lon) if site.lon is not None else None, lat=float(site.lat) if site.lat is not None else None,
            title=f"未登记车辆 {m.plate} 进入“{site.name}”", message=f"{STAGE_NAMES.get(m.stage, m.stage)} {local_text(m.occurred_at)}，净重 {m.net_t} 吨",
            evidence={"movement": m.pk, "plate": m.plate, "occurred_at": local_text(m.occurred_at), "net_t": str(m.net_t)},
            source_ref=ref,
        )
    return len(refs) - len(seen)


def positions_purge(*, now: datetime) -> int:
    """Drop fixes older than TRACKING_RETENTION_DAYS, a day at a time (a partition each, on a partitioned table)."""
    cutoff = local_day(now) - timedelta(days=settings.TRACKING_RETENTION_DAYS)
    removed = 0
    for day in Position.objects.filter(day__lt=cutoff).values_list("day", flat=True).distinct().order_by("day")[:31]:
        removed += Position.objects.filter(day=day).delete()[0]
    return removed
