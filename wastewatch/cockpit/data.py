"""The six themed dashboards' figures (seed 003, item 1), each answered from prepared aggregates (reports.Aggregate)
and small indexed reads (the newest alerts, the latest vehicle positions), scoped to the caller's region."""
from datetime import timedelta

from django.db.models import Count
from django.utils import timezone

from wastewatch.events.choices import AlertKind, AlertStatus, OPEN_STATUSES
from wastewatch.registry.models import Device, Estate, Region, Site, Vehicle, WasteCategory
from wastewatch.reports import catalogue
from wastewatch.reports.models import Level
from wastewatch.reports.selectors import children_contexts, context, measure_totals, measures_by_region

THEMES = {
    "alerts": "预警事件上报", "workorders": "派单处置管理", "vehicles": "车辆收运监管",
    "outlets": "再生资源管理", "base": "基础业务信息", "results": "垃圾分类成效",
}
KIND_NAMES = dict(AlertKind.choices)


def _child_level(region):
    return {"city": Level.COUNTY, "county": Level.STREET, "street": Level.COMMUNITY}.get(region.level)


def _by_child(region, w, prefix):
    """Sums of measures starting with `prefix`, per child region (county > street > community)."""
    level = _child_level(region)
    return measures_by_region(region=region, w=w, level=level, prefix=prefix) if level else {}


def _children(region):
    level = {"city": "county", "county": "street", "street": "community"}.get(region.level)
    return list(Region.objects.filter(parent=region, level=level).order_by("code").values_list("code", "name")) if level else []


def alerts(region, user, w):
    from wastewatch.events.models import Alert

    totals = measure_totals(region=region, w=w, prefix="alert")
    by_kind = sorted(((k.split("|", 1)[1], v) for k, v in totals.items() if k.startswith("alert|")), key=lambda kv: -kv[1])
    raised, closed = totals.get("alerts", 0), totals.get("alerts_closed", 0)
    per_child = _by_child(region, w, "alert|")
    recent = (Alert.objects.filter(region_code__startswith=region.prefix, status__in=OPEN_STATUSES).select_related("site")
              .order_by("-last_at")[:12])
    streams = dict(Device.objects.filter(site_id__in=[a.site_id for a in recent if a.site_id], kind="camera").exclude(stream_url="")
                   .values_list("site_id", "stream_url"))
    return {
        "period": w.label,
        "by_kind": [{"code": k, "name": KIND_NAMES.get(k, k), "value": v} for k, v in by_kind],
        "outcome": [{"name": "已办结或误报", "value": closed}, {"name": "处置中", "value": max(0.0, raised - closed)}],
        "total": sum(v for _, v in by_kind), "raised": raised, "closed": closed,
        "by_area": [{"code": c, "name": n, "value": per_child.get(c, 0)} for c, n in _children(region)],
        "recent": [{"id": a.pk, "kind": a.get_kind_display(), "title": a.title, "status": a.get_status_display(), "count": a.count,
                    "at": timezone.localtime(a.last_at).strftime("%m-%d %H:%M"), "site": a.site.name if a.site else "",
                    "stream_url": streams.get(a.site_id, ""), "lon": a.lon, "lat": a.lat} for a in recent],
    }


def workorders(region, user, w):
    from wastewatch.events.choices import WorkOrderStatus

    totals = measure_totals(region=region, w=w, prefix="wo")
    kinds, statuses = {}, {}
    for key, value in totals.items():
        if key.startswith("wo|"):
            _, kind, status = key.split("|")
            kinds[kind] = kinds.get(kind, 0) + value
            statuses[status] = statuses.get(status, 0) + value
    status_names = dict(WorkOrderStatus.choices)
    n = totals.get("wo_n", 0)
    return {
        "period": w.label, "total": n, "closed": totals.get("wo_closed", 0), "on_time": totals.get("wo_on_time", 0),
        "closure_rate": round(totals.get("wo_closed", 0) / n * 100, 1) if n else None,
        "by_kind": [{"code": k, "name": KIND_NAMES.get(k, k), "value": v} for k, v in sorted(kinds.items(), key=lambda kv: -kv[1])],
        "by_status": [{"code": s, "name": status_names.get(s, s), "value": v} for s, v in statuses.items()],
        "by_area": [{"code": c, "name": name, "value": _by_child(region, w, "wo_n").get(c, 0)} for c, name in _children(region)],
    }


TRACK_VEHICLES = 30
TRACK_MINUTES = 60
TRACK_POINTS = 120


def vehicles(region, user, w):
    """The fleet, each vehicle's latest position (tracking's selector, in the caller's scope) and the last hour's
    tracks of the vehicles that reported most recently, thinned to at most TRACK_POINTS fixes each."""
    from wastewatch.tracking.models import Position
    from wastewatch.tracking.selectors import latest_positions

    fleet = Vehicle.objects.filter(region__code__startswith=region.prefix, is_active=True)
    now = timezone.now()
    since = now - timedelta(minutes=10)
    latest = list(latest_positions(user=user).filter(region_code__startswith=region.prefix)[:3000])
    recent = sorted((p for p in latest if p.at >= now - timedelta(minutes=TRACK_MINUTES)), key=lambda p: p.at, reverse=True)[:TRACK_VEHICLES]
    fixes = {}
    for vehicle_id, lon, lat in (Position.objects.filter(vehicle_id__in=[p.vehicle_id for p in recent],
                                                         at__gte=now - timedelta(minutes=TRACK_MINUTES))
                                 .order_by("vehicle_id", "at").values_list("vehicle_id", "lon", "lat")):
        fixes.setdefault(vehicle_id, []).append([lon, lat])
    tracks = []
    for p in recent:
        line = fixes.get(p.vehicle_id, [])
        step = max(1, len(line) // TRACK_POINTS)
        if len(line) > 1:
            tracks.append({"plate": p.vehicle.plate, "coords": line[::step] + ([line[-1]] if (len(line) - 1) % step else [])})
    return {
        "period": w.label, "fleet": fleet.count(),
        "online": sum(1 for p in latest if p.at >= since),
        "by_type": [{"name": dict(Vehicle._meta.get_field("vehicle_type").choices).get(r["vehicle_type"], r["vehicle_type"]), "value": r["n"]}
                    for r in fleet.values("vehicle_type").annotate(n=Count("pk")).order_by("-n")],
        "positions": [{"plate": p.vehicle.plate, "lon": p.lon, "lat": p.lat, "speed": p.speed, "online": p.at >= since,
                       "at": timezone.localtime(p.at).strftime("%H:%M:%S")} for p in latest],
        "tracks": tracks,
        "pickups": measure_totals(region=region, w=w, prefix="n|pickup").get("n|pickup", 0),
        "on_time_rate": catalogue.get("collection_on_time_rate").compute(context(w, region=region)),
    }


def outlets(region, user, w):
    sites = Site.objects.filter(region__code__startswith=region.prefix, kind__in=("outlet", "sorting"), is_active=True)
    recovered = _by_child(region, w, "t|sorting_in|")
    totals = measure_totals(region=region, w=w, prefix="t|sorting_in|")
    by_category = {}
    names = dict(WasteCategory.objects.filter(code__startswith="04").values_list("code", "name"))
    for key, value in totals.items():
        cat = key.rsplit("|", 1)[1]
        by_category[names.get(cat, cat)] = by_category.get(names.get(cat, cat), 0) + value
    return {
        "period": w.label, "outlets": sites.filter(kind="outlet").count(), "centres": sites.filter(kind="sorting").count(),
        "recovered_t": round(sum(totals.values()), 3),
        "by_category": [{"name": k, "value": round(v, 3)} for k, v in sorted(by_category.items(), key=lambda kv: -kv[1])],
        "by_area": [{"code": c, "name": n, "value": round(recovered.get(c, 0), 3)} for c, n in _children(region)],
        "points": [{"name": s.name, "kind": s.get_kind_display(), "lon": float(s.lon), "lat": float(s.lat)} for s in sites[:2000] if s.lon is not None],
    }


def base(region, user, w):
    prefix = region.prefix
    counts = {
        "estates": Estate.objects.filter(region__code__startswith=prefix, is_active=True).count(),
        "sites": Site.objects.filter(region__code__startswith=prefix, is_active=True).count(),
        "vehicles": Vehicle.objects.filter(region__code__startswith=prefix, is_active=True).count(),
        "devices": Device.objects.filter(region__code__startswith=prefix, is_active=True).count(),
    }
    kinds = dict(Site._meta.get_field("kind").choices)
    by_kind = Site.objects.filter(region__code__startswith=prefix, is_active=True).values("kind").annotate(n=Count("pk")).order_by("-n")
    facilities = Site.objects.filter(region__code__startswith=prefix, kind__in=("transfer", "sorting", "incineration", "landfill", "perishable",
                                                                                  "hazardous", "recycling"), is_active=True)
    return {
        **counts, "by_kind": [{"name": kinds.get(r["kind"], r["kind"]), "value": r["n"]} for r in by_kind],
        "facilities": [{"name": s.name, "kind": s.get_kind_display(), "lon": float(s.lon), "lat": float(s.lat)} for s in facilities if s.lon is not None],
    }


def results(region, user, w):
    values = catalogue.evaluate(context(w, region=region))
    totals = measure_totals(region=region, w=w, prefix="t|")
    names = dict(WasteCategory.objects.filter(parent__isnull=True).values_list("code", "name"))
    by_category = {}
    for key, value in totals.items():
        stage, cat = key.split("|")[1], key.rsplit("|", 1)[1]
        if stage in ("facility_in", "sorting_in", "generator_out"):
            name = names.get(cat[:2] + "00", cat)
            by_category[name] = by_category.get(name, 0) + value
    per_child = []
    for child, ctx in children_contexts(user=user, region=region, w=w) if region.level != "community" else []:
        v = catalogue.evaluate(ctx)
        per_child.append({"code": child.code, "name": child.name, "recycling_rate": v["recycling_rate"], "generated_t": v["generated_t"]})
    return {
        "period": w.label,
        "indicators": [{"code": i.code, "name": i.name, "unit": i.unit, "value": values[i.code], "target": i.target} for i in catalogue.INDICATORS],
        "by_category": [{"name": k, "value": round(v, 3)} for k, v in sorted(by_category.items(), key=lambda kv: -kv[1])],
        "by_area": per_child,
    }


BUILDERS = {"alerts": alerts, "workorders": workorders, "vehicles": vehicles, "outlets": outlets, "base": base, "results": results}
STATUS_NAMES = dict(AlertStatus.choices)
