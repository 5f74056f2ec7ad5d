"""Where the county systems' weighings, jobs and facility data land (interfaces.landing). A lander gets one batch's
accepted records, already validated, and writes them in bulk; a retried batch changes nothing, an updated record
replaces its row, a deleted record removes it. Nothing is refused here: an unknown sender becomes a label."""
import logging
from datetime import datetime, time
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone

from wastewatch.interfaces.catalogue.codes import WASTE_TYPE_TO_CATEGORY
from wastewatch.interfaces.landing import register_lander

from .choices import Source, Stage
from .limits import OUTPUT_CATEGORY
from .models import Dropoff, FacilityOperation, FacilityOutput, MonitoringReading
from .refs import Refs
from .services import movement_record_many, movement_remove_many
from .services.facilities import operation_record_many, output_record_many, reading_record_many

log = logging.getLogger(__name__)


def at(value: str) -> datetime:
    """Interface times are Beijing time, 'yyyy-MM-dd HH:mm:ss'."""
    return timezone.make_aware(datetime.strptime(value, "%Y-%m-%d %H:%M:%S"))


def end_of(day: str) -> datetime:
    return timezone.make_aware(datetime.combine(datetime.strptime(day, "%Y-%m-%d").date(), time(23, 59, 59)))


def waste(two_digit: str) -> str:
    return WASTE_TYPE_TO_CATEGORY.get(two_digit, "0200")


# -- one mapper per interface: record data → movement items ----------------------------------------------------------

def _staging_job(refs, d):
    point = refs.site(d["setPointCode"])
    if d["jobType"] == "1":
        return [dict(stage=Stage.COLLECTION, occurred_at=at(d["collectTime"]), from_label="居民投放", to_site=point,
                     category=waste(d["type"]), net_t=d["weight"])]
    return [dict(stage=Stage.PICKUP, occurred_at=at(d["transferTime"]), from_site=point, plate=d.get("carNo", ""),
                 driver=d.get("driver", ""), category=waste(d["type"]), net_t=d["weight"])]


def _transfer_job(refs, d):
    station = refs.site(d["stationCode"])
    if d["jobType"] == "1":
        return [dict(stage=Stage.TRANSFER_IN, occurred_at=at(d["inDate"]), to_site=station, plate=d["carCode"],
                     category=d["rubbishType"], net_t=d["weight"])]
    return [dict(stage=Stage.TRANSFER_OUT, occurred_at=at(d["inDate"]), from_site=station, plate=d["carCode"],
                 category=d["rubbishType"], net_t=d["weight"])]


def _weights(d):
    return {"gross_t": d.get("totalWeight"), "tare_t": d.get("actualWeight"), "net_t": d["weight"]}


def _sorting_intake(refs, d):
    return [dict(stage=Stage.SORTING_IN, occurred_at=at(d["inDate"]), to_site=refs.site(d["centerCode"]), plate=d["carCode"],
                 category=d["recyclablesType"], **_weights(d))]


def _sorting_output(refs, d):
    return [dict(stage=Stage.SORTING_OUT, occurred_at=at(d["outDate"]), from_site=refs.site(d["centerCode"]),
                 to_label=d["proUnitName"], plate=d.get("carCode", ""), category=d["recyclablesType"], net_t=d["proOutWeight"],
                 note=f"接收方入库 {d['proInWeight']} 吨" if d.get("proInWeight") is not None else "")]


def _facility_intake(refs, d):
    return [dict(stage=Stage.FACILITY_IN, occurred_at=at(d["inTime"]), to_site=refs.site(d["processCode"]), plate=d["carNo"],
                 from_site=_sender_site(refs, d), from_label=d["sendFactory"], origin_code=d["sendOrgCode"],
                 category=waste(d["type"]), **_weights(d))]


def _sender_site(refs, d):
    """A sender named as one of the county's transfer stations is that station (the chain links through it)."""
    return refs.site_named(d.get("sendFactory", ""), kind="transfer", county=d.get("sendOrgCode", "")[:6])


def _output_destination(refs, d):
    category = OUTPUT_CATEGORY.get(d["outputType"])
    if category is None:  # electricity and biogas are not tonnes: FacilityOutput keeps them
        return []
    return [dict(stage=Stage.OUTPUT_OUT, occurred_at=at(d["outTime"]), from_site=refs.site(d["processCode"]),
                 to_org=refs.org(d.get("destinationCode")), to_label=d["destinationName"], plate=d.get("carNo", ""),
                 category=category, net_t=d["amount"], note=f"单号 {d['billNo']}，去向类型 {d['destinationType']}")]


def _collection_clear(refs, d):
    point = refs.site(d["pointCode"])
    return [dict(stage=Stage.PICKUP, occurred_at=at(d["clearTime"]), from_site=point, from_estate=point and point.estate,
                 plate=d["carCode"], category=d["rubbishType"], net_t=d["weight"])]


def _haul_away(refs, d):
    point = refs.site(d["dumpCode"])
    target = refs.site(d["transferPointCode"])
    return [dict(stage=Stage.PICKUP, occurred_at=at(d["transferTime"]), from_site=point, from_estate=point and point.estate,
                 plate=d["carCode"], category=d["rubbishType"], net_t=d["weight"],
                 note=f"运往 {target.name if target else d['transferPointCode']}")]


def _outlet_intake(refs, d):
    return [dict(stage=Stage.COLLECTION, occurred_at=at(d["putTime"]), from_label="居民交售", to_site=refs.site(d["siteCode"]),
                 category=d["type"], net_t=d["weight"])]


def _outlet_output(refs, d):
    return [dict(stage=Stage.OUTLET_OUT, occurred_at=at(d["outTime"]), from_site=refs.site(d["siteCode"]),
                 to_site=refs.site(d.get("centerCode")), to_label=d["receiveUnit"], category=d["type"], net_t=d["weight"])]


def _canteen_daily(refs, d):
    moment = end_of(d["recordDate"])
    items = []
    for suffix, field, category in (("", "perishableWeight", "0102"), ("#oil", "oilWeight", "1602")):
        if d.get(field) not in (None, "") and Decimal(str(d[field])) > 0:
            items.append(dict(stage=Stage.GENERATOR_OUT, occurred_at=moment, from_label=d["canteenName"][:100],
                              region_code=d["orgCode"], plate=d.get("carCode", ""), to_label=d.get("receiveUnit", ""),
                              category=category, net_t=d[field], key_suffix=suffix))
    return items


MOVEMENT_MAPPERS = {
    "staging-job": _staging_job, "transfer-job": _transfer_job, "sorting-intake": _sorting_intake,
    "sorting-output": _sorting_output, "facility-intake": _facility_intake, "output-destination": _output_destination,
    "collection-clear": _collection_clear, "haul-away": _haul_away, "outlet-intake": _outlet_intake,
    "outlet-output": _outlet_output,
}
# The canteen interfaces share one mapper; their codes come from the catalogue.
CANTEEN_PREFIX = "canteen"


def _mapper(spec):
    if spec.code in MOVEMENT_MAPPERS:
        return MOVEMENT_MAPPERS[spec.code]
    if "canteenCode" in spec.business_key:
        return _canteen_daily
    return None


def _preload(refs: Refs, records):
    codes, plates, orgs = set(), set(), set()
    for r in records:
        d = r.data
        for field in ("setPointCode", "stationCode", "centerCode", "processCode", "pointCode", "dumpCode", "siteCode",
                      "transferPointCode"):
            if d.get(field):
                codes.add(d[field])
        for field in ("carNo", "carCode"):
            if d.get(field):
                plates.add(str(d[field]).upper())
        if d.get("destinationCode"):
            orgs.add(d["destinationCode"])
    refs.preload_sites(codes)
    refs.preload_vehicles(plates)
    refs.preload_orgs(orgs)


def land_movements(*, client, spec, batch, records):
    mapper = _mapper(spec)
    refs = Refs()
    _preload(refs, records)
    gone = [r.key for r in records if r.deleted]
    items = []
    for r in records:
        if r.deleted:
            continue
        for item in mapper(refs, r.data):
            suffix = item.pop("key_suffix", "")
            items.append({**item, "source_interface": spec.code, "source_key": r.key + suffix})
    if gone:
        keys = gone + [k + "#oil" for k in gone]
        movement_remove_many(actor=client, source_interface=spec.code, source_keys=keys, audit_source="interface")
    _, problems = movement_record_many(actor=client, items=items, source=Source.INTERFACE, audit_source="interface")
    for p in problems:  # a record the catalogue accepted but the ledger cannot book: kept in the record store, logged
        log.warning("ledger: %s record %s not booked: %s", spec.code, items[p["index"]]["source_key"], p["reason"])


# -- drop-offs: single drops kept, the day's sum per point and category booked ---------------------------------------

def land_dropoffs(*, client, spec, batch, records):
    refs = Refs()
    point_field = "dumpCode" if "dumpCode" in spec.business_key else "pointCode"
    time_field = "dumpTime" if point_field == "dumpCode" else "collectTime"
    refs.preload_sites({r.data.get(point_field) for r in records})
    touched = set()
    existing = {d.key: d for d in Dropoff.objects.filter(interface=spec.code, key__in=[r.key for r in records])}
    for old in existing.values():
        touched.add((old.site_id, old.day, old.category_id))
    removed = [existing[r.key].pk for r in records if r.deleted and r.key in existing]
    rows = []
    for r in records:
        if r.deleted:
            continue
        d, site = r.data, refs.site(r.data[point_field])
        if site is None:
            continue
        moment = at(d[time_field])
        rows.append(Dropoff(
            interface=spec.code, key=r.key, site=site, estate=site.estate, region_code=site.region_id,
            category_id=waste(d["type"]), weight_t=Decimal(str(d["weight"])), at=moment, day=timezone.localdate(moment),
            is_correct=None if d.get("isRight") in (None, "") else d["isRight"] == "1", grade=d.get("grade", "") or "",
        ))
    Dropoff.objects.filter(pk__in=removed).delete()
    new = [row for row in rows if row.key not in existing]
    changed = []
    for row in rows:
        if row.key in existing:
            row.pk = existing[row.key].pk
            changed.append(row)
    Dropoff.objects.bulk_create(new, batch_size=500)
    Dropoff.objects.bulk_update(changed, ["site", "estate", "region_code", "category", "weight_t", "at", "day", "is_correct", "grade"],
                                batch_size=500)
    touched |= {(row.site_id, row.day, row.category_id) for row in rows}
    _book_daily_collection(client, spec, touched, refs)


def _book_daily_collection(client, spec, touched, refs):
    if not touched:
        return
    query = Q()
    for site_id, day, category in touched:
        query |= Q(site_id=site_id, day=day, category_id=category)
    sums = {(r["site_id"], r["day"], r["category_id"]): r["t"] for r in
            Dropoff.objects.filter(query, interface=spec.code).values("site_id", "day", "category_id").annotate(t=Sum("weight_t"))}
    sites = {s.pk: s for s in refs.sites_by_pk({t[0] for t in touched})}
    items, empty = [], []
    for site_id, day, category in touched:
        key = f"{sites[site_id].code}|{day.isoformat()}|{category}"
        total = sums.get((site_id, day, category))
        if not total:
            empty.append(key)
            continue
        site = sites[site_id]
        items.append(dict(stage=Stage.COLLECTION, occurred_at=end_of(day.isoformat()), from_estate=site.estate,
                          from_label="居民投放", to_site=site, category=category, net_t=total.quantize(Decimal("0.001")),
                          source_interface=f"{spec.code}:daily", source_key=key))
    if empty:
        movement_remove_many(actor=client, source_interface=f"{spec.code}:daily", source_keys=empty, audit_source="interface")
    movement_record_many(actor=client, items=items, source=Source.INTERFACE, audit_source="interface")


# -- facilities ---------------------------------------------------------------------------------------------------

def land_operations(*, client, spec, batch, records):
    field = "ruralCode" if "ruralCode" in spec.business_key else "processCode"
    rows, gone = [], []
    for r, d, site in _at_sites(records, field):
        moment = at(d["dataTime"]) if "dataTime" in d else end_of(d["dayDate"])
        if r.deleted:
            gone.append((site.pk, moment))
            continue
        rows.append(FacilityOperation(
            site=site, region_code=site.region_id, at=moment, day=timezone.localdate(moment), run_state=d.get("runState", ""),
            treated_t=Decimal(str(d.get("treatAmount", d.get("inAmount", 0)))),
            out_t=_dec(d.get("outAmount")), line_count=d.get("lineCount"), running_lines=d.get("runningLines"),
            power_kwh=_dec(d.get("powerGeneration")), power_grid_kwh=_dec(d.get("powerOnGrid")), stock_t=_dec(d.get("stockAmount")),
            source_interface=spec.code,
        ))
    for site_id, moment in gone:
        FacilityOperation.objects.filter(site_id=site_id, at=moment).delete()
    operation_record_many(actor=client, rows=rows)


def _dec(value):
    return None if value in (None, "") else Decimal(str(value))


def _at_sites(records, field="processCode"):
    """(record, its data, its site) for each record whose site is registered, the sites read in one query."""
    refs = Refs()
    refs.preload_sites({r.data.get(field) for r in records})
    for r in records:
        site = refs.site(r.data.get(field))
        if site is not None:
            yield r, r.data, site


def land_readings(*, client, spec, batch, records):
    rows = []
    for r, d, site in _at_sites(records):
        moment = at(d["monitorTime"])
        if r.deleted:
            MonitoringReading.objects.filter(site=site, point=d["monitorPoint"], item=d["itemCode"], at=moment).delete()
            continue
        rows.append(MonitoringReading(
            site=site, region_code=site.region_id, point=d["monitorPoint"], item=d["itemCode"], at=moment,
            day=timezone.localdate(moment), value=Decimal(str(d["value"])), limit_value=_dec(d.get("limitValue")),
            reported_exceeded=d.get("isExceed") == "1",
        ))
    reading_record_many(actor=client, rows=rows)


def land_outputs(*, client, spec, batch, records):
    rows, items, gone = [], [], []
    for r, d, site in _at_sites(records):
        moment = at(d["outputTime"])
        if r.deleted:
            FacilityOutput.objects.filter(site=site, kind=d["outputType"], at=moment).delete()
            gone.append(r.key)
            continue
        rows.append(FacilityOutput(site=site, region_code=site.region_id, kind=d["outputType"], at=moment,
                                   day=timezone.localdate(moment), amount=Decimal(str(d["amount"])), stock=_dec(d.get("stockAmount"))))
        category = OUTPUT_CATEGORY.get(d["outputType"])
        if category:
            items.append(dict(stage=Stage.OUTPUT, occurred_at=moment, from_site=site, to_label=f"{site.name}（厂内暂存）",
                              category=category, net_t=d["amount"], source_interface=spec.code, source_key=r.key))
    if gone:
        movement_remove_many(actor=client, source_interface=spec.code, source_keys=gone, audit_source="interface")
    output_record_many(actor=client, rows=rows)
    movement_record_many(actor=client, items=items, source=Source.INTERFACE, audit_source="interface")


def register():
    register_lander("ledger:movement", land_movements)
    register_lander("ledger:dropoff", land_dropoffs)
    register_lander("ledger:facility-operation", land_operations)
    register_lander("ledger:monitoring", land_readings)
    register_lander("ledger:output", land_outputs)
