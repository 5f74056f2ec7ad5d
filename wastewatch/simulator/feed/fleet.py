"""The fleet's day: the single source of truth for what each demo vehicle does on a day — the planned points it
calls at, what it loads there, where it unloads and what the weighbridge reads — used by the GPS feed and by the
weighings. Deterministic per (county, day, seed).

Runs follow the vehicles' collection plans (made for the demo city by `plans_create`, with the same timing
model, so an ordinary run serves every point in its window). In 椒江区 (331002) the day plants the anomalies
the rules must find: a skipped point, a late point, a detour off the planned route, an overspeed, a perishable-
waste truck unloading at the incinerator, and a delivery that is never weighed.

Timing model: trucks drive straight between sites at DRIVE_KMH, stay CALL_S at a collection point and UNLOAD_S
where they unload; a planned window opens WINDOW_BEFORE before the expected arrival and closes WINDOW_AFTER
after it.
"""
import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Iterator

from wastewatch.core.geo import county_contains
from wastewatch.tracking.geometry import metres
from wastewatch.registry.models import Site, Vehicle

from .snapshot import CountyData, stable_rng
from .values import SHANGHAI, category

SCENARIO_COUNTY = "331002"
SHIFTS = (("早班", time(6, 30)), ("晚班", time(18, 30)))
DRIVE_KMH = 28.0
OVERSPEED_KMH = 76.0
CALL_S = 240
UNLOAD_S = 600
WINDOW_BEFORE = timedelta(minutes=10)
WINDOW_AFTER = timedelta(minutes=20)
DELIVERY_AFTER = timedelta(minutes=60)
POINTS_PER_SHIFT = 4
LATE_BY = timedelta(minutes=8)  # past the window's end, within the rules' grace: "late", not "missed"
DETOUR_M = 2000
COLLECT_KINDS = ("dropoff", "staging", "collection")
# Where each top-level category is unloaded, in order of preference.
UNLOAD_AT = {"0100": ("perishable", "transfer"), "0200": ("transfer", "incineration", "landfill"),
             "0300": ("hazardous", "transfer"), "0400": ("sorting", "recycling")}
WRONG_FACILITY = ("incineration", "landfill")
INTAKE_KINDS = {"transfer", "sorting", "incineration", "landfill", "perishable", "hazardous", "recycling"}


@dataclass(frozen=True)
class Call:  # the vehicle at a site to pick up waste
    site_code: str
    site_kind: str
    lon: float
    lat: float
    arrive: datetime
    leave: datetime
    load_t: float  # tonnes picked up here (0 if skipped: the truck never comes)
    category: str
    estate_code: str


@dataclass(frozen=True)
class Delivery:  # the vehicle unloads at a transfer station, sorting centre or treatment facility
    site_code: str
    site_kind: str
    lon: float
    lat: float
    arrive: datetime
    leave: datetime
    gross_t: float
    tare_t: float
    net_t: float
    category: str
    weighed: bool  # False for the scenario's "weighing missing"


@dataclass(frozen=True)
class Run:
    plate: str
    terminal_id: str
    terminal_phone: str
    region_code: str
    category: str
    day: date
    calls: tuple[Call, ...]
    deliveries: tuple[Delivery, ...]
    anomalies: frozenset[str]
    detour: tuple[float, float] | None = None  # the waypoint of the "detour" anomaly, between the first two calls
    fast_leg: int = -1  # index of the leg (between consecutive stops) driven at OVERSPEED_KMH


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    return metres(*a, *b)


def _drive(a, b, kmh=DRIVE_KMH) -> timedelta:
    return timedelta(seconds=round(_metres(a, b) / (kmh / 3.6)))


def schedule(places: list[tuple[float, float]], start: datetime) -> list[tuple[datetime, datetime]]:
    """(arrive, leave) at each place in turn, the last one being where the truck unloads."""
    out, at = [], start
    for i, place in enumerate(places):
        if i:
            at = out[-1][1] + _drive(places[i - 1], place)
        out.append((at, at + timedelta(seconds=UNLOAD_S if i == len(places) - 1 else CALL_S)))
    return out


# -- the plans ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Site:
    pk: int
    code: str
    kind: str
    region: str
    lon: float
    lat: float
    categories: frozenset
    estate_code: str


def _sites() -> list[_Site]:
    cats: dict[int, set] = {}
    for site_id, code in Site.categories.through.objects.values_list("site_id", "wastecategory_id"):
        cats.setdefault(site_id, set()).add(category(code))
    rows = (Site.objects.filter(is_active=True, lon__isnull=False, kind__in=(*COLLECT_KINDS, *INTAKE_KINDS))
            .values_list("pk", "code", "kind", "region_id", "lon", "lat", "estate__code").order_by("code"))
    return [_Site(pk, code, kind, region, float(lon), float(lat), frozenset(cats.get(pk, ())), estate or "")
            for pk, code, kind, region, lon, lat, estate in rows]


def _unload_site(sites: list[_Site], county6: str, cat: str, near: tuple[float, float], cache: dict) -> _Site | None:
    """The nearest site of the most preferred kind that takes the category: in the county if it has one."""
    kinds = UNLOAD_AT.get(cat, ("transfer",))
    if cat not in cache:
        cache[cat] = [s for s in sites if s.kind in kinds and (cat in s.categories or not s.categories)]
    takes = cache[cat]
    for pool in ([s for s in takes if s.region.startswith(county6)], takes):
        for kind in kinds:
            candidates = [s for s in pool if s.kind == kind]
            if candidates:
                return min(candidates, key=lambda s: _metres(near, (s.lon, s.lat)))
    return None


def _near2(a: _Site, b: _Site) -> float:
    """A squared distance that ranks sites as metres would: degrees of longitude shrink by cos(latitude), ~0.88 here."""
    return ((a.lon - b.lon) * 0.88) ** 2 + (a.lat - b.lat) ** 2


def _chain(candidates: list[_Site], first: _Site, n: int) -> list[_Site]:
    """n points from first on, each the nearest not yet taken: a plausible collection round."""
    pool = sorted(candidates, key=lambda s: _near2(first, s))[: n * 15]
    route, pool = [first], [s for s in pool if s.pk != first.pk]
    while len(route) < n and pool:
        nxt = min(pool, key=lambda s: _near2(route[-1], s))
        route.append(nxt)
        pool.remove(nxt)
    return route


def _window(at: datetime, after: timedelta) -> tuple[time, time]:
    """The window around an expected time, on five-minute marks."""
    start = at - WINDOW_BEFORE
    start -= timedelta(minutes=start.minute % 5, seconds=start.second)
    end = at + after
    end += timedelta(minutes=(-end.minute) % 5, seconds=-end.second)
    if end.date() != at.date():  # a long haul to another county's plant: the window ends with the day
        return start.time(), time(23, 59)
    return start.time(), end.time()


def plans_create(*, actor=None) -> int:
    """A morning and an evening plan for every active vehicle with a terminal that has none yet."""
    from wastewatch.tracking.models import CollectionPlan
    from wastewatch.tracking.services import collection_plans_bulk_create

    planned = set(CollectionPlan.objects.values_list("vehicle_id", flat=True))
    vehicles = [v for v in Vehicle.objects.filter(is_active=True).exclude(terminal_id="").order_by("plate") if v.pk not in planned]
    if not vehicles:
        return 0
    sites = _sites()
    by_county: dict[str, int] = {}
    points_of: dict[tuple[str, str], list[_Site]] = {}
    unload_cache: dict[str, list[_Site]] = {}
    plans = []
    for v in vehicles:
        county6, cat = v.region_id[:6], category(v.category_id)
        nth = by_county[county6] = by_county.get(county6, -1) + 1
        if (county6, cat) not in points_of:
            points_of[(county6, cat)] = [s for s in sites if s.kind in COLLECT_KINDS and s.region.startswith(county6) and cat in s.categories]
        points = points_of[(county6, cat)]
        if not points:
            continue
        for shift, (label, start) in enumerate(SHIFTS):
            first = points[(nth * 7 + shift * 3) % len(points)]
            calls = _chain(points, first, POINTS_PER_SHIFT)
            unload = _unload_site(sites, county6, cat, (calls[-1].lon, calls[-1].lat), unload_cache)
            stops = calls + ([unload] if unload else [])
            times = schedule([(s.lon, s.lat) for s in stops], datetime.combine(date(2026, 1, 5), start, SHANGHAI))
            windows = [_window(arrive, DELIVERY_AFTER if s.kind in INTAKE_KINDS else WINDOW_AFTER) for s, (arrive, _) in zip(stops, times)]
            plans.append((v, f"{v.plate} {label}收运", "1234567", [(s.pk, a, b) for s, (a, b) in zip(stops, windows)]))
    rows = Site.objects.only("pk", "kind", "name", "region_id", "lon", "lat").in_bulk({pk for *_, points in plans for pk, _, _ in points})
    return collection_plans_bulk_create(actor=actor, source="demo", plans=[
        (v, name, days, [(rows[pk], a, b) for pk, a, b in points]) for v, name, days, points in plans])


# -- the runs ----------------------------------------------------------------------------------------------------

_RUNS: dict[tuple, list[Run]] = {}


def runs(data: CountyData, day: date, *, seed: int = 1) -> list[Run]:
    """Every run of the county's vehicles on the day, one per plan that runs on it (cached: the live feed asks
    every minute)."""
    from wastewatch.tracking.models import CollectionPlan

    vehicles = {v.pk: v for v in data.vehicles if v.terminal_id}
    plans = list(CollectionPlan.objects.filter(vehicle_id__in=list(vehicles), is_active=True)
                 .prefetch_related("points__site__estate", "points__site__categories").order_by("vehicle__plate", "id"))
    key = (data.code6, day, seed, tuple((p.pk, p.updated_at) for p in plans))
    if key not in _RUNS:
        _RUNS.clear() if len(_RUNS) > 64 else None
        _RUNS[key] = _build_runs(data, day, seed, vehicles, [p for p in plans if p.runs_on(day)])
    return _RUNS[key]


def _anomalies(data: CountyData, vehicles: dict, plans) -> dict[int, set[str]]:
    """Which plan plays which anomaly: in the scenario county only, on each one's first plan of the day."""
    if data.code6 != SCENARIO_COUNTY:
        return {}
    first_plan = {}
    for plan in plans:
        first_plan.setdefault(plan.vehicle_id, plan.pk)
    by_cat: dict[str, list[int]] = {}
    for vid in sorted(first_plan, key=lambda vid: vehicles[vid].plate):
        by_cat.setdefault(category(vehicles[vid].category_id), []).append(first_plan[vid])
    out: dict[int, set[str]] = {}

    def give(cats, names):
        for cat in cats:
            for plan_id in by_cat.get(cat, []):
                if plan_id not in out:
                    out[plan_id] = set(names)
                    return

    give(("0200",), {"skipped_point", "late", "weighing_missing"})
    give(("0100",), {"wrong_facility", "overspeed"})
    give(("0400", "0300", "0200"), {"detour"})
    return out


def _build_runs(data: CountyData, day: date, seed: int, vehicles: dict, plans) -> list[Run]:
    planted = _anomalies(data, vehicles, plans)
    wrong = [s for s in Site.objects.filter(kind__in=WRONG_FACILITY, region__code__startswith=data.code6, is_active=True,
                                            lon__isnull=False).order_by("code")]
    out = []
    for plan in plans:
        v = vehicles[plan.vehicle_id]
        rng = stable_rng("fleet", data.code6, day.isoformat(), seed, plan.pk)
        anomalies = set(planted.get(plan.pk, ()))
        points = list(plan.points.all())
        if not points:
            continue
        cat = category(v.category_id)
        calls_pts = [pt for pt in points if pt.site.kind not in INTAKE_KINDS]
        unload_pts = [pt for pt in points if pt.site.kind in INTAKE_KINDS]
        if "wrong_facility" in anomalies and wrong and unload_pts:
            unload_sites = [wrong[0]]
        else:
            anomalies.discard("wrong_facility")
            unload_sites = [pt.site for pt in unload_pts]
        skipped = {1} if "skipped_point" in anomalies and len(calls_pts) > 2 else set()
        if not skipped:
            anomalies.discard("skipped_point")
        # Start on time, give or take two minutes, so that an ordinary round lands in every window.
        first_window = datetime.combine(day, calls_pts[0].window_start if calls_pts else points[0].window_start, SHANGHAI)
        at = first_window + WINDOW_BEFORE + timedelta(seconds=rng.randint(-120, 120))
        visited = [pt.site for i, pt in enumerate(calls_pts) if i not in skipped] + unload_sites
        places = [(float(s.lon), float(s.lat)) for s in visited]
        detour = _detour(data.code6, places) if "detour" in anomalies and len(places) > 1 else None
        if detour is None:
            anomalies.discard("detour")
        # Speeding on the way to unload: arriving early there costs no other point its window.
        fast_leg = len(places) - 2 if "overspeed" in anomalies and len(places) > 1 else -1
        if fast_leg < 0:
            anomalies.discard("overspeed")
        times, t = [], at
        for i, place in enumerate(places):
            if i:
                leg = _drive(places[i - 1], detour, DRIVE_KMH) + _drive(detour, place, DRIVE_KMH) if (detour and i == 1) else \
                    max(_drive(places[i - 1], place, OVERSPEED_KMH), timedelta(minutes=3)) if i - 1 == fast_leg else _drive(places[i - 1], place)
                t = times[-1][1] + leg
            times.append((t, t + timedelta(seconds=UNLOAD_S if i >= len(places) - len(unload_sites) else CALL_S)))
        late_index = len(calls_pts) - 1 - len(skipped) if "late" in anomalies and calls_pts else -1
        if late_index >= 0:
            # The last call of the round comes late: the truck waits elsewhere until past the window's end.
            late_pt = [pt for i, pt in enumerate(calls_pts) if i not in skipped][late_index]
            arrive = max(times[late_index][0], datetime.combine(day, late_pt.window_end, SHANGHAI) + LATE_BY)
            shift = arrive - times[late_index][0]
            times = times[:late_index] + [(a + shift, b + shift) for a, b in times[late_index:]]
        calls, it, loaded = [], iter(times), 0.0
        capacity = float(v.capacity_t or 5)
        for i, pt in enumerate(calls_pts):
            if i in skipped:
                calls.append(Call(pt.site.code, pt.site.kind, float(pt.site.lon), float(pt.site.lat), first_window, first_window, 0.0, cat,
                                  pt.site.estate.code if pt.site.estate_id else ""))
                continue
            arrive, leave = next(it)
            load = round(rng.uniform(0.08, 0.22) * capacity, 2)
            loaded += load
            calls.append(Call(pt.site.code, pt.site.kind, float(pt.site.lon), float(pt.site.lat), arrive, leave, load, cat,
                              pt.site.estate.code if pt.site.estate_id else ""))
        tare = float(v.tare_t or round(capacity * 1.2, 1))
        deliveries = []
        for n, site in enumerate(unload_sites):
            arrive, leave = next(it)
            net = round(loaded if n == 0 else 0.0, 2)
            deliveries.append(Delivery(site.code, site.kind, float(site.lon), float(site.lat), arrive, leave, round(tare + net, 2), tare, net,
                                       cat, weighed="weighing_missing" not in anomalies))
        out.append(Run(v.plate, v.terminal_id, v.terminal_phone, v.region_id, cat, day, tuple(calls), tuple(deliveries),
                       frozenset(anomalies), detour, fast_leg))
    return out


def _detour(county6: str, places) -> tuple[float, float] | None:
    """A waypoint DETOUR_M off the middle of the first leg, on whichever side lies in the county."""
    (x1, y1), (x2, y2) = places[0], places[1]
    mx, my = (x1 + x2) / 2, (y1 + y2) / 2
    dx, dy = (x2 - x1) * math.cos(math.radians(my)), y2 - y1
    length = math.hypot(dx, dy) or 1e-9
    nx, ny = -dy / length, dx / length  # unit normal, in metres-proportional degrees
    step = DETOUR_M / 111_320
    for side in (1, -1):
        point = (mx + side * nx * step / math.cos(math.radians(my)), my + side * ny * step)
        if county_contains(county6, *point):
            return round(point[0], 6), round(point[1], 6)
    return None


def fixes(run: Run, *, every_s: int = 10) -> Iterator[tuple[datetime, float, float, float, int]]:
    """The run's GPS fixes (at, lon, lat, speed km/h, heading), every every_s seconds from the first arrival to the
    last departure: a few metres of jitter while standing, straight lines while driving."""
    stops = [(c.lon, c.lat, c.arrive, c.leave) for c in run.calls if c.load_t > 0]
    stops += [(d.lon, d.lat, d.arrive, d.leave) for d in run.deliveries]
    if not stops:
        return
    rng = stable_rng("fixes", run.plate, run.day.isoformat(), stops[0][2].isoformat())
    t, end = stops[0][2], stops[-1][3]
    step = timedelta(seconds=every_s)
    leg = 0
    while t <= end:
        while leg < len(stops) - 1 and t >= stops[leg + 1][2]:
            leg += 1
        lon, lat, arrive, leave = stops[leg]
        if t <= leave or leg == len(stops) - 1:
            j = 3 / 111_320
            yield t, round(lon + rng.uniform(-j, j), 6), round(lat + rng.uniform(-j, j), 6), round(rng.uniform(0, 2), 1), rng.randrange(360)
        else:
            nlon, nlat, narrive, _ = stops[leg + 1]
            path = [(lon, lat)] + ([run.detour] if run.detour and leg == 0 else []) + [(nlon, nlat)]
            share = (t - leave) / (narrive - leave)
            (plon, plat), heading = _along(path, share)
            length = sum(_metres(a, b) for a, b in zip(path, path[1:]))
            kmh = length / max(1.0, (narrive - leave).total_seconds()) * 3.6
            if leg == run.fast_leg:
                kmh = OVERSPEED_KMH
            yield t, round(plon, 6), round(plat, 6), round(max(8.0, kmh + rng.uniform(-2, 2)), 1), heading
        t += step


def _along(path, share: float) -> tuple[tuple[float, float], int]:
    lengths = [_metres(a, b) for a, b in zip(path, path[1:])]
    goal = share * sum(lengths)
    for (a, b), length in zip(zip(path, path[1:]), lengths):
        if goal <= length or length == 0:
            f = goal / length if length else 0
            heading = round(math.degrees(math.atan2((b[0] - a[0]) * math.cos(math.radians(a[1])), b[1] - a[1]))) % 360
            return (a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f), heading
        goal -= length
    return path[-1], 0


def parked(vehicle_runs: list[Run], start: datetime, end: datetime, *, every_s: int) -> Iterator[tuple[datetime, float, float, float, int]]:
    """Fixes of a vehicle standing between its rounds (terminals keep reporting with the engine off), every every_s
    seconds of (start, end] that no run of the day covers. It stands in the yard of the site where it last unloaded
    (before its first round: where the day's last round ends, its overnight yard) — inside that site's fence, so
    the rules see a truck at a site, not one idling by the road."""
    spans = sorted((r.calls[0].arrive if r.calls else r.deliveries[0].arrive, (r.deliveries or r.calls)[-1].leave, r)
                   for r in vehicle_runs if r.calls or r.deliveries)
    if not spans:
        return
    rng = stable_rng("parked", spans[0][2].plate, spans[0][2].day.isoformat())
    t = start + timedelta(seconds=every_s - start.timestamp() % every_s)
    while t <= end:
        if not any(a <= t <= b for a, b, _ in spans):
            before = [r for a, b, r in spans if b < t] or [spans[-1][2]]
            yard = (before[-1].deliveries or before[-1].calls)[-1]
            j = 5 / 111_320
            yield t, round(yard.lon + rng.uniform(-j, j), 6), round(yard.lat + rng.uniform(-j, j), 6), 0.0, 0
        t += timedelta(seconds=every_s)
