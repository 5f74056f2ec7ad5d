"""One path for every fix, whichever way it came (the JT/T 808 gateway or the vehicle-gps interface): store it,
move the vehicle's latest position, open and close visits of site fences, and run the streaming rules
(overspeed, idle, off-route, terminal alarms, mixed hauling at a visit). A batch is one transaction and a few bulk
queries, whatever its size.

Fixes older than the vehicle's latest one (a terminal's blind-area upload arriving after live ones) are stored
and shown on the track but do not run through the live rules, which need time order.

Fixes are telemetry: they are archived raw by the interface (or logged by the gateway) rather than audited one by
one; what the pipeline concludes — alerts — carries its own audit row (events.services.alert_raise).
"""
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from wastewatch.events.services import alert_raise
from wastewatch.registry.models import Site, Vehicle

from . import rules as rule_params
from .fences import fence_index
from .geometry import SHANGHAI, local_day, local_text, metres, to_polyline_m
from .jt808.bits import ALERT_ALARM_BITS, alarm_names
from .models import CollectionPlan, LatestPosition, PlanPoint, Position, Visit

EVIDENCE_FIXES = 120  # positions kept as an alert's evidence, enough for 20 minutes at one fix per 10 s
MIXED_HAULING_KINDS = {"dropoff", "staging", "collection", "transfer", "sorting", "incineration", "landfill", "perishable",
                       "hazardous", "recycling"}


@dataclass(frozen=True)
class Fix:
    vehicle_id: int
    at: datetime
    lon: float
    lat: float
    speed: float = 0.0
    heading: int = 0
    alarm: int = 0
    status: int = 0
    mileage_km: float | None = None


@dataclass
class Outcome:
    stored: int = 0
    late: int = 0
    visits_opened: int = 0
    visits_closed: int = 0
    alerts: list = field(default_factory=list)


@dataclass
class Route:
    line: list[tuple[float, float]]
    start: datetime
    end: datetime


def positions_ingest(*, actor, fixes: list[Fix], source: str) -> Outcome:
    """Store and evaluate a batch of fixes (any vehicles, any order)."""
    outcome = Outcome()
    if not fixes:
        return outcome
    params = rule_params.active()
    by_vehicle: dict[int, list[Fix]] = defaultdict(list)
    for f in fixes:
        by_vehicle[f.vehicle_id].append(f)
    with transaction.atomic():
        vehicles = Vehicle.objects.in_bulk(list(by_vehicle))
        rows = []
        for vid, fs in by_vehicle.items():
            v = vehicles.get(vid)
            if v is None:
                continue
            rows += [Position(vehicle_id=vid, region_code=v.region_id, day=local_day(f.at), at=f.at, lon=f.lon, lat=f.lat,
                              speed=f.speed, heading=f.heading, alarm=f.alarm, status=f.status, mileage_km=f.mileage_km,
                              source=source) for f in fs]
        Position.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
        outcome.stored = len(rows)

        latest = LatestPosition.objects.select_for_update().in_bulk(list(vehicles))
        open_visits = {v.vehicle_id: v for v in Visit.objects.filter(vehicle_id__in=list(vehicles), left_at__isnull=True)}
        days = {local_day(f.at) for f in fixes}
        routes = planned_routes(list(vehicles), days, params)
        index = fence_index()
        run = _Run(params, index, routes, outcome)
        for vid, fs in by_vehicle.items():
            if vid in vehicles:
                run.vehicle(vehicles[vid], sorted(fs, key=lambda f: f.at), latest.get(vid), open_visits.get(vid), source)
        run.write()
        sites = Site.objects.in_bulk([k["site_id"] for k in run.pending if "site_id" in k])
        for kwargs in run.pending:
            site = sites.get(kwargs.pop("site_id", None))
            outcome.alerts.append(alert_raise(actor=actor, source="vehicle", site=site, **kwargs))
    return outcome


class _Run:
    """The per-batch state machine: visits and rule spells per vehicle, then the writes in bulk."""

    def __init__(self, params, index, routes, outcome):
        self.p, self.index, self.routes, self.outcome = params, index, routes, outcome
        self.new_latest, self.changed_latest = [], []
        self.new_visits, self.changed_visits, self.dropped_visits = [], [], []
        self.pending: list[dict] = []

    def vehicle(self, vehicle, fixes, state, visit, source):
        if state is not None:
            live = [f for f in fixes if f.at > state.at]
            self.outcome.late += len(fixes) - len(live)
        else:
            live = fixes
        if not live:
            return
        fresh = state is None
        if fresh:
            state = LatestPosition(vehicle_id=vehicle.pk, region_code=vehicle.region_id, at=live[0].at, lon=live[0].lon,
                                   lat=live[0].lat, reported=[])
        visit_changed = False
        for f in live:
            fence = self.index.find(f.lon, f.lat)
            if visit is not None and (fence is None or fence.site_id != visit.site_id):
                self._close(vehicle, visit)
                visit = None
            if fence is not None:
                if visit is None:
                    # Seen inside with no fix before it: it did not drive in (a truck parked overnight), no intake due.
                    arrived = not (fresh and f is live[0])
                    visit = Visit(vehicle_id=vehicle.pk, site_id=fence.site_id, region_code=fence.region_code, day=local_day(f.at),
                                  entered_at=f.at, last_seen_at=f.at, fixes=1, lon=f.lon, lat=f.lat, arrived=arrived)
                    self.new_visits.append(visit)
                    self.outcome.visits_opened += 1
                else:
                    visit.last_seen_at, visit.fixes = f.at, visit.fixes + 1
                    visit_changed = True
            self._rules(vehicle, state, f, fence)
            state.at, state.lon, state.lat, state.speed, state.heading = f.at, f.lon, f.lat, f.speed, f.heading
            state.alarm, state.status, state.source = f.alarm, f.status, source
            state.site_id = fence.site_id if fence is not None else None
        if visit is not None and visit.pk is not None and visit_changed:
            self.changed_visits.append(visit)
        state.updated_at = timezone.now()
        (self.new_latest if fresh else self.changed_latest).append(state)

    def _close(self, vehicle, visit):
        visit.left_at = visit.last_seen_at
        if visit.duration_s < self.p.visit_min_s:
            # A drive-by, not a visit.
            if visit.pk is not None:
                self.dropped_visits.append(visit.pk)
            elif visit in self.new_visits:
                self.new_visits.remove(visit)
                self.outcome.visits_opened -= 1
            return
        self.outcome.visits_closed += 1
        if visit.pk is not None:
            self.changed_visits.append(visit)
        fence = self.index.fences.get(visit.site_id)
        carried = (vehicle.category_id or "")[:2] + "00"
        if fence is not None and fence.categories and fence.site_kind in MIXED_HAULING_KINDS and carried not in fence.categories:
            self.pending.append(dict(
                kind="mixed_hauling", at=visit.entered_at, vehicle=vehicle, site_id=visit.site_id, region_code=vehicle.region_id,
                lon=visit.lon, lat=visit.lat,
                title=f"{vehicle.plate} 运输 {carried} 类垃圾进入只收 {'、'.join(sorted(fence.categories))} 类的点位设施",
                message=f"到达 {local_text(visit.entered_at)}，离开 {local_text(visit.left_at)}，停留 {visit.duration_s} 秒",
                evidence={"vehicle_category": vehicle.category_id, "site_categories": sorted(fence.categories),
                          "entered_at": local_text(visit.entered_at), "left_at": local_text(visit.left_at),
                          "positions": evidence_positions(vehicle.pk, visit.entered_at, visit.left_at)},
                source_ref=f"tracking:mixed_hauling:{vehicle.pk}:{visit.site_id}:{visit.entered_at.isoformat()}",
            ))

    def _rules(self, vehicle, state, f: Fix, fence):
        p, reported = self.p, state.reported
        # Overspeed: a spell above the limit lasting overspeed_s.
        if f.speed > p.overspeed_kmh:
            state.overspeed_since = state.overspeed_since or f.at
            state.overspeed_max = max(state.overspeed_max, f.speed)
            if (f.at - state.overspeed_since).total_seconds() >= p.overspeed_s and "overspeed" not in reported:
                reported.append("overspeed")
                self._alert("overspeed", vehicle, f, state.overspeed_since,
                            f"{vehicle.plate} 超速行驶，最高 {state.overspeed_max:.0f} 千米/小时（限速 {p.overspeed_kmh:.0f}）",
                            {"limit_kmh": p.overspeed_kmh, "max_kmh": state.overspeed_max})
        else:
            state.overspeed_since, state.overspeed_max = None, 0.0
            _forget(reported, "overspeed")
        route = route_at(self.routes.get((vehicle.pk, local_day(f.at)), []), f.at)
        # Idle: during a shift, staying within idle_m, slower than idle_speed_kmh, away from every site, for idle_s
        # (a truck parked between its rounds is not idling).
        still = f.speed <= p.idle_speed_kmh
        if still and state.idle_since is not None and metres(f.lon, f.lat, state.idle_lon, state.idle_lat) <= p.idle_m:
            if (route is not None and fence is None and (f.at - state.idle_since).total_seconds() >= p.idle_s
                    and "idle" not in reported):
                reported.append("idle")
                minutes = (f.at - state.idle_since).total_seconds() / 60
                self._alert("idle", vehicle, f, state.idle_since, f"{vehicle.plate} 作业时段在非作业点位停留 {minutes:.0f} 分钟",
                            {"idle_s": p.idle_s})
        else:
            state.idle_since, state.idle_lon, state.idle_lat = (f.at, f.lon, f.lat) if still else (None, None, None)
            _forget(reported, "idle")
        # Off route: during the plan's shift, farther than off_route_m from the planned line, for off_route_s.
        away = route is not None and to_polyline_m(f.lon, f.lat, route.line) > p.off_route_m
        if away:
            state.off_route_since = state.off_route_since or f.at
            if (f.at - state.off_route_since).total_seconds() >= p.off_route_s and "off_route" not in reported:
                reported.append("off_route")
                distance = to_polyline_m(f.lon, f.lat, route.line)
                self._alert("off_route", vehicle, f, state.off_route_since,
                            f"{vehicle.plate} 偏离计划收运路线 {distance:.0f} 米", {"distance_m": round(distance), "limit_m": p.off_route_m})
        else:
            state.off_route_since = None
            _forget(reported, "off_route")
        # Terminal alarms: each alarm bit that rises (was clear in the previous fix).
        rising = f.alarm & ~state.alarm & ALERT_ALARM_BITS
        if rising:
            names = alarm_names(rising)
            self._alert("terminal_alarm", vehicle, f, f.at, f"{vehicle.plate} 车载终端报警：{'、'.join(names)}",
                        {"alarm_word": f.alarm, "alarms": names})

    def _alert(self, kind, vehicle, f: Fix, since, title, extra):
        self.pending.append(dict(
            kind=kind, at=f.at, vehicle=vehicle, region_code=vehicle.region_id, lon=f.lon, lat=f.lat, title=title,
            message=f"自 {local_text(since)} 至 {local_text(f.at)}",
            evidence={**extra, "since": local_text(since), "until": local_text(f.at),
                      "positions": evidence_positions(vehicle.pk, since, f.at)},
            source_ref=f"tracking:{kind}:{vehicle.pk}:{since.isoformat()}",
        ))

    def write(self):
        if self.dropped_visits:
            Visit.objects.filter(pk__in=self.dropped_visits).delete()
        Visit.objects.bulk_create(self.new_visits, batch_size=500)
        changed = {v.pk: v for v in self.changed_visits if v.pk not in self.dropped_visits}
        # Upserts rather than bulk_update: one INSERT … ON CONFLICT DO UPDATE instead of a CASE per field and row,
        # which costs Django a second per hundred rows to build.
        if changed:
            Visit.objects.bulk_create(list(changed.values()), update_conflicts=True, unique_fields=["id"],
                                      update_fields=["left_at", "last_seen_at", "fixes"], batch_size=500)
        latest = self.new_latest + self.changed_latest
        if latest:
            LatestPosition.objects.bulk_create(latest, update_conflicts=True, unique_fields=["vehicle"],
                                               update_fields=LATEST_FIELDS, batch_size=500)


LATEST_FIELDS = ["at", "lon", "lat", "speed", "heading", "alarm", "status", "source", "site", "overspeed_since", "overspeed_max",
                 "idle_since", "idle_lon", "idle_lat", "off_route_since", "reported", "updated_at"]


def _forget(reported: list, kind: str) -> None:
    if kind in reported:
        reported.remove(kind)


def evidence_positions(vehicle_id: int, start: datetime, end: datetime) -> list[list]:
    """The stored fixes of a spell, as [Beijing time, lon, lat, km/h]: what an alert's evidence shows."""
    rows = (Position.objects.filter(vehicle_id=vehicle_id, at__gte=start, at__lte=end).order_by("at")
            .values_list("at", "lon", "lat", "speed")[:EVIDENCE_FIXES])
    return [[local_text(at), lon, lat, speed] for at, lon, lat, speed in rows]


_plans: dict = {}
_plans_lock = threading.Lock()


def _plans_by_vehicle() -> dict[int, list[tuple[str, list]]]:
    """Every active plan's weekdays and points (window start, end, lon, lat), by vehicle; read again only when a plan
    changed (plans change through services, which save the plan: its count and latest updated_at tell)."""
    key = tuple(CollectionPlan.objects.aggregate(n=Count("pk"), at=Max("updated_at")).values())
    with _plans_lock:
        if _plans.get("key") != key:
            plans: dict[int, tuple[str, list]] = {}
            rows = (PlanPoint.objects.filter(plan__is_active=True, site__lon__isnull=False).order_by("plan_id", "seq")
                    .values_list("plan_id", "plan__vehicle_id", "plan__weekdays", "window_start", "window_end", "site__lon", "site__lat"))
            for plan_id, vehicle_id, weekdays, start, end, lon, lat in rows:
                plans.setdefault(plan_id, (vehicle_id, weekdays, []))[2].append((start, end, float(lon), float(lat)))
            by_vehicle = defaultdict(list)
            for vehicle_id, weekdays, points in plans.values():
                by_vehicle[vehicle_id].append((weekdays, points))
            _plans["by_vehicle"], _plans["key"] = dict(by_vehicle), key
        return _plans["by_vehicle"]


def planned_routes(vehicle_ids: list[int], days: set[date], params) -> dict[tuple[int, date], list[Route]]:
    """Each vehicle's planned lines and shifts for the days: one per plan that runs on the day (a morning and an
    evening round are two shifts, and the hours between them no shift at all)."""
    by_vehicle = _plans_by_vehicle()
    routes = defaultdict(list)
    margin = timedelta(seconds=params.shift_margin_s)
    for vid in vehicle_ids:
        for weekdays, points in by_vehicle.get(vid, ()):
            for day in days:
                if str(day.isoweekday()) in weekdays:
                    start = datetime.combine(day, min(p[0] for p in points), SHANGHAI) - margin
                    end = datetime.combine(day, max(p[1] for p in points), SHANGHAI) + margin
                    routes[(vid, day)].append(Route([(p[2], p[3]) for p in points], start, end))
    return routes


def route_at(routes: list[Route], at: datetime) -> Route | None:
    return next((r for r in routes if r.start <= at <= r.end), None)
