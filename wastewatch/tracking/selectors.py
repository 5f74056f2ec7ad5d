"""Every read of tracking data, scoped (DESIGN rule 2): by the vehicle's region, and for a hauler's users by the
vehicle's hauler. A vehicle outside the caller's scope is 404."""
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

from django.http import Http404

from wastewatch.core.selectors import region_scoped
from wastewatch.registry.models import Site, Vehicle

from . import rules as rule_params
from .choices import PointStatus
from .geometry import SHANGHAI, local_day
from .models import CollectionPlan, LatestPosition, PointResult, Position, Visit
from .stops import detect_stops, split_trips

SERVICE_KINDS = set(rule_params.DEFAULT_RADIUS_M)


def vehicles_scoped(*, user):
    return region_scoped(Vehicle.objects.all(), user=user, lookups=("region__code",), organisation_lookups=("hauler_id",))


def vehicle_get(*, user, plate: str) -> Vehicle:
    vehicle = vehicles_scoped(user=user).select_related("hauler", "category").filter(plate=plate).first()
    if vehicle is None:
        raise Http404(f"车辆“{plate}”不存在或不在您的数据权限范围内")
    return vehicle


def latest_positions(*, user, since: datetime | None = None):
    qs = region_scoped(LatestPosition.objects.all(), user=user, organisation_lookups=("vehicle__hauler_id",))
    if since is not None:
        qs = qs.filter(updated_at__gt=since)
    return qs.select_related("vehicle", "site").order_by("vehicle__plate")


def plans_scoped(*, user):
    return region_scoped(CollectionPlan.objects.all(), user=user, organisation_lookups=("vehicle__hauler_id",))


def plan_get(*, user, pk: int) -> CollectionPlan:
    plan = plans_scoped(user=user).select_related("vehicle").prefetch_related("points__site").filter(pk=pk).first()
    if plan is None:
        raise Http404("收运计划不存在或不在您的数据权限范围内")
    return plan


def site_get(*, user, code: str) -> Site:
    site = region_scoped(Site.objects.all(), user=user, lookups=("region__code",), organisation_lookups=("operator_id",)).filter(code=code).first()
    if site is None:
        raise Http404(f"点位设施“{code}”不存在或不在您的数据权限范围内")
    return site


def site_find(*, user, text: str) -> Site | None:
    """A site by its code, or by its exact name where that names one site in the caller's scope; else None."""
    scoped = region_scoped(Site.objects.all(), user=user, lookups=("region__code",), organisation_lookups=("operator_id",))
    by_code = scoped.filter(code=text).first()
    if by_code is not None:
        return by_code
    named = list(scoped.filter(name=text)[:2])
    return named[0] if len(named) == 1 else None


def track(vehicle: Vehicle, day: date) -> list[tuple]:
    """The vehicle's fixes of the day, in time order: (at, lon, lat, speed, heading, alarm)."""
    return list(Position.objects.filter(vehicle_id=vehicle.pk, day=day).order_by("at")
                .values_list("at", "lon", "lat", "speed", "heading", "alarm"))


def vehicle_day(vehicle: Vehicle, day: date) -> dict:
    """Track, stops, trips and visits of a vehicle's day (the caller has already scoped the vehicle)."""
    p = rule_params.active()
    fixes = track(vehicle, day)
    stops = detect_stops(fixes, max_diameter_m=p.stop_m, min_duration_s=p.stop_s)
    visits = list(Visit.objects.filter(vehicle_id=vehicle.pk, day=day).select_related("site").order_by("entered_at"))
    return {"fixes": fixes, "stops": stops, "trips": split_trips(fixes, stops), "visits": visits}


def plan_points_of(vehicle: Vehicle, day: date) -> list:
    return [pt for plan in CollectionPlan.objects.filter(vehicle=vehicle, is_active=True).prefetch_related("points__site")
            if plan.runs_on(day) for pt in plan.points.all()]


def plan_against_actual(vehicle: Vehicle, day: date, *, now: datetime, visits: list, stops: list) -> dict:
    """Each planned point with its decided result (or, before the decision, what the visits say so far) and the
    stops that served no planned point and no service site (unplanned stops)."""
    p = rule_params.active()
    points = sorted(plan_points_of(vehicle, day), key=lambda pt: (pt.window_start, pt.seq))
    results = {r.point_id: r for r in PointResult.objects.filter(point__in=points, day=day)}
    by_site = defaultdict(list)
    for v in visits:
        if v.duration_s >= p.visit_min_s:
            by_site[v.site_id].append(v)
    rows = []
    for pt in points:
        result = results.get(pt.pk)
        # A visit counts for the point only around its own window: the morning round's visit is not the evening's.
        start = datetime.combine(day, pt.window_start, SHANGHAI) - timedelta(seconds=p.shift_margin_s)
        end = datetime.combine(day, pt.window_end, SHANGHAI) + timedelta(seconds=p.late_grace_s)
        arrived = next((v for v in by_site.get(pt.site_id, []) if start <= v.entered_at <= end), None)
        status = result.status if result else ("served" if arrived else "pending" if now < datetime.combine(day, pt.window_end, SHANGHAI) else "overdue")
        rows.append({"point": pt, "status": status, "arrived_at": arrived.entered_at if arrived else None,
                     "left_at": arrived.left_at if arrived else None})
    planned_sites = {pt.site_id for pt in points}
    visited_sites = [(v.entered_at, v.left_at or v.last_seen_at, v.site_id) for v in visits]
    unplanned = []
    for s in stops:
        at_site = next((site for a, b, site in visited_sites if a <= s.end and b >= s.start), None)
        if at_site is None or at_site not in planned_sites:
            unplanned.append({"stop": s, "site_id": at_site})
    return {"points": rows, "unplanned": unplanned}


STATUS_LABELS = dict(PointStatus.choices) | {"served": "已到点（待评价）", "pending": "待收运", "overdue": "已过时间窗（待评价）"}


def compliance_summary(*, user, day: date, group: str) -> list[dict]:
    """Decided planned points of the day, counted per hauler or per street (the first 9 digits of the point's region)."""
    qs = region_scoped(PointResult.objects.filter(day=day), user=user, organisation_lookups=("hauler_id",))
    counts: dict[str, Counter] = defaultdict(Counter)
    for hauler, region, status in qs.values_list("vehicle__hauler__name", "region_code", "status"):
        key = hauler if group == "hauler" else region[:9] + "000"
        counts[key][status] += 1
    names = {}
    if group == "street":
        from wastewatch.registry.models import Region

        names = dict(Region.objects.filter(code__in=list(counts)).values_list("code", "name"))
    rows = []
    for key, c in sorted(counts.items()):
        total = sum(c.values())
        rows.append({"key": key, "name": names.get(key, key), "planned": total, "on_time": c[PointStatus.ON_TIME],
                     "late": c[PointStatus.LATE], "missed": c[PointStatus.MISSED],
                     "on_time_rate": round(c[PointStatus.ON_TIME] / total * 100, 1) if total else None})
    return rows


def today(now: datetime) -> date:
    return local_day(now)


def vehicle_alerts(*, user, vehicle=None, day: date | None = None, limit: int = 50):
    """Alerts the vehicle rules raised, in scope: of one vehicle and day, or the latest ones."""
    from wastewatch.events.models import Alert

    qs = region_scoped(Alert.objects.filter(source="vehicle"), user=user, organisation_lookups=("vehicle__hauler_id",))
    if vehicle is not None:
        qs = qs.filter(vehicle=vehicle)
    if day is not None:
        start = datetime.combine(day, datetime.min.time(), SHANGHAI)
        qs = qs.filter(last_at__gte=start, first_at__lt=start + timedelta(days=1))
    return qs.select_related("vehicle", "site").order_by("-last_at")[:limit]
