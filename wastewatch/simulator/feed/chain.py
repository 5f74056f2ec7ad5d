"""The ledger's side of the simulated day: what the fleet picks up is what the stations and plants weigh in, what a
station receives it ships on, what a plant treats becomes outputs that leave with a destination.

Built once per day for the whole city from the fleet's runs (fleet.py), since waste crosses county lines: a
station's outflow goes to the nearest plant of its kind, wherever it is, and the plant's county system reports
the intake. Each event belongs to the county system whose site it happened at (its orgCode); the live builders
take the events of their county inside their window.

Planted for the demo: in the scenario county, its first transfer station ships on only part of what it receives
(a leak: its mass balance is flagged) — every other site closes within the ledger's tolerance.
"""
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from wastewatch.registry.models import Region, Site, Vehicle

from .fleet import SCENARIO_COUNTY, runs
from .snapshot import STAND_IN, CountyData, stable_rng
from .values import PROCESS_TYPE, SHANGHAI, WASTE_TYPE, credit_code, outside_plate, when

LEACHATE_SHARE = 0.03  # a compacting station loses this much water between weighing in and out
LEAK_SHARE = 0.45  # the planted leak: the station ships on only this share
SORTING_LOSS = 0.04
SHIP_AFTER = timedelta(minutes=40)
STAGED_BEFORE = timedelta(hours=2)  # a station's container leaves this long after a load came in
DRIVE_TO_PLANT = timedelta(minutes=35)
STATION_INTAKE = {"0100": ("perishable", "incineration", "landfill"), "0200": ("incineration", "landfill"),
                  "0300": ("hazardous",), "0400": ("recycling",)}
TREATMENT = ("incineration", "landfill", "perishable", "hazardous", "recycling")
# Outputs per tonne treated and where they go: (kind, per tonne, destination type, receiver, receiver credit serial).
OUTPUTS = {
    "incineration": [("02", 0.20, "2", "台州市建材综合利用有限公司", 902), ("01", 0.03, "1", "台州市飞灰安全填埋场", 901)],
    "perishable": [("04", 0.02, "4", "浙江生物柴油有限公司", 904), ("05", 0.10, "2", "台州市有机肥有限公司", 905)],
    "landfill": [("07", 0.25, "7", "台州市污水处理厂", 907)],
    "hazardous": [("02", 0.30, "1", "浙江省危险废物安全填埋场", 908)],
    "recycling": [("05", 0.10, "2", "台州市有机肥有限公司", 905)],
}
RECYCLERS = ("台州市再生纸业有限公司", "台州市塑料再生利用有限公司", "浙江台州金属再生资源有限公司")
RECYCLABLE_TYPE = {"0400": "0401"}


@dataclass(frozen=True)
class Event:
    spec: str  # the interface that reports it
    at: datetime
    county6: str  # the county system that pushes it
    record: dict


@dataclass(frozen=True)
class Plant:
    code: str
    name: str
    kind: str
    region: str
    lon: float
    lat: float


_DAYS: dict[tuple, list[Event]] = {}


def city_day(day: date, *, seed: int = 1) -> list[Event]:
    """Every ledger event of the day in the city, in time order (cached: the live feed asks every minute)."""
    key = (day, seed)
    if key not in _DAYS:
        if len(_DAYS) > 8:
            _DAYS.clear()
        _DAYS[key] = sorted(_build(day, seed), key=lambda e: (e.at, e.spec, e.county6))
    return _DAYS[key]


_INDEX: dict[tuple, dict] = {}


def _indexed(day: date, seed: int) -> dict[tuple[str, str], tuple[list, list]]:
    """The day's events by (county, interface): their times and records, for a bisect per window."""
    key = (day, seed)
    if key not in _INDEX:
        if len(_INDEX) > 8:
            _INDEX.clear()
        index = defaultdict(lambda: ([], []))
        for e in city_day(day, seed=seed):
            times, records = index[(e.county6, e.spec)]
            times.append(e.at)
            records.append(e.record)
        _INDEX[key] = dict(index)
    return _INDEX[key]


def events_for(data: CountyData, spec: str, start: datetime, end: datetime, *, seed: int = 1) -> list[dict]:
    """The records of one interface that the county reports for events in (start, end]."""
    first, last = start.astimezone(SHANGHAI).date(), end.astimezone(SHANGHAI).date()
    out, day = [], first
    while day <= last:
        times, records = _indexed(day, seed).get((data.code6, spec), ([], []))
        out += [dict(r) for r in records[bisect_right(times, start):bisect_right(times, end)]]
        day += timedelta(days=1)
    return out


PLACE_FIELDS = ("setPointCode", "stationCode", "centerCode", "processCode", "pointCode", "dumpCode", "transferPointCode")
_TOUCHED: dict[tuple, dict[str, frozenset]] = {}


def touched_places(data: CountyData, spec_code: str, moment: datetime, *, seed: int = 1) -> frozenset:
    """The codes of the places the day's chain reports on through this interface, in any county: the rest keep their
    random data flow (a plant the fleet does not deliver to still pushes its weighbridge records)."""
    key = (moment.astimezone(SHANGHAI).date(), seed)
    if key not in _TOUCHED:
        if len(_TOUCHED) > 8:
            _TOUCHED.clear()
        touched = defaultdict(set)
        for e in city_day(key[0], seed=seed):
            touched[e.spec].update(e.record[f] for f in PLACE_FIELDS if e.record.get(f))
        _TOUCHED[key] = {spec: frozenset(codes) for spec, codes in touched.items()}
    return _TOUCHED[key].get(spec_code, frozenset())


def _counties() -> list[tuple[str, str]]:
    return [(r.code[:6], r.name) for r in Region.objects.filter(level="county").order_by("code")]


def _plants() -> dict[str, Plant]:
    """The demo city's plants. A county system's stand-ins (snapshot.STAND_IN) land in the registry once pushed, but the
    chain leaves them to the random feed: a stand-in rural station is reported through its own interface, never the
    facility ones, and a stand-in plant's day would otherwise depend on when its first push landed."""
    return {s.code: Plant(s.code, s.name, s.kind, s.region_id, float(s.lon or 0), float(s.lat or 0))
            for s in Site.objects.filter(kind__in=TREATMENT, is_active=True).exclude(code__regex=STAND_IN).order_by("code")}


def _nearest(plants, kinds, lon, lat):
    for kind in kinds:
        pool = [p for p in plants.values() if p.kind == kind]
        if pool:
            return min(pool, key=lambda p: (p.lon - lon) ** 2 + (p.lat - lat) ** 2)
    return None


def _build(day: date, seed: int) -> list[Event]:
    events: list[Event] = []
    sites = {s.code: s for s in Site.objects.filter(kind__in=("dropoff", "staging", "collection", "transfer", "sorting", *TREATMENT))
             .select_related("operator", "estate")}
    plants = _plants()
    vehicles = {v.plate: v for v in Vehicle.objects.select_related("hauler")}
    station_in = defaultdict(list)  # station code → [(at, net, category)]
    centre_in = defaultdict(list)
    plant_in = defaultdict(list)  # plant code → [(at, net)]
    for county6, name in _counties():
        data = CountyData(code6=county6, name=name,
                          vehicles=[v for v in vehicles.values() if v.region_id.startswith(county6) and v.is_active])
        if not data.vehicles:
            continue
        for run in runs(data, day, seed=seed):
            _run_events(run, county6, sites, vehicles, events, station_in, centre_in, plant_in)
    parties = manifest_parties()
    if parties is not None:  # what the hazardous-waste centre receives under manifests it treats too
        for _, _, received, picked_up in manifest_plan(day):
            plant_in[parties[2].code].append((picked_up + timedelta(hours=1), float(received)))
    _stations(day, seed, sites, plants, vehicles, station_in, plant_in, events)
    _centres(day, seed, sites, centre_in, events)
    _plant_days(plants, plant_in, events)
    return events


def _run_events(run, county6, sites, vehicles, events, station_in, centre_in, plant_in):
    vehicle = vehicles[run.plate]
    delivered = next((d for d in run.deliveries if d.net_t > 0), None)
    for call in run.calls:
        if call.load_t <= 0:
            continue
        site = sites.get(call.site_code)
        org = site.region_id if site else run.region_code
        if call.site_kind == "dropoff" and delivered is not None and delivered.site_kind in ("transfer", *TREATMENT):
            target = "2" if delivered.site_kind == "transfer" else "3"
            events.append(Event("haul-away", call.leave, org[:6], {
                "orgCode": org, "dumpCode": call.site_code, "carCode": run.plate, "rubbishType": run.category,
                "weight": round(call.load_t, 2), "transferTime": when(call.leave), "transferType": target,
                "transferPointCode": delivered.site_code}))
        elif call.site_kind == "staging":
            # What the residents brought to the staging point since the last pickup, then the pickup itself.
            brought = call.arrive - STAGED_BEFORE
            # None: a field the record does not have (the simulator composes records over the interface's example).
            events.append(Event("staging-job", brought, org[:6], {
                "orgCode": org, "setPointCode": call.site_code, "jobType": "1", "type": WASTE_TYPE.get(run.category, "02"),
                "weight": round(call.load_t, 2), "collectTime": when(brought), "transferTime": None, "carNo": None,
                "driver": None, "photo": None}))
            events.append(Event("staging-job", call.leave, org[:6], {
                "orgCode": org, "setPointCode": call.site_code, "jobType": "2", "type": WASTE_TYPE.get(run.category, "02"),
                "weight": round(call.load_t, 2), "collectTime": None, "transferTime": when(call.leave), "carNo": run.plate,
                "driver": None, "photo": None}))
        elif call.site_kind == "collection":
            events.append(Event("collection-clear", call.leave, org[:6], {
                "orgCode": org, "pointCode": call.site_code, "carCode": run.plate, "rubbishType": run.category,
                "weight": round(call.load_t, 2), "clearTime": when(call.leave)}))
    for d in run.deliveries:
        if not d.weighed or d.net_t <= 0:
            continue
        site = sites.get(d.site_code)
        org = site.region_id if site else run.region_code
        weights = {"totalWeight": round(d.gross_t, 2), "actualWeight": round(d.tare_t, 2), "weight": round(d.net_t, 2)}
        if d.site_kind == "transfer":
            events.append(Event("transfer-job", d.arrive, org[:6], {
                "orgCode": org, "stationCode": d.site_code, "carCode": run.plate, "carType": _car_type(vehicle),
                "rubbishType": run.category, "jobType": "1", "inDate": when(d.arrive), "weight": round(d.net_t, 2)}))
            station_in[d.site_code].append((d.arrive, d.net_t, run.category))
        elif d.site_kind == "sorting":
            events.append(Event("sorting-intake", d.arrive, org[:6], {
                "orgCode": org, "centerCode": d.site_code, "carCode": run.plate,
                "recyclablesType": RECYCLABLE_TYPE.get(run.category, "0409"), "inDate": when(d.arrive), **weights}))
            centre_in[d.site_code].append((d.arrive, d.net_t))
        elif d.site_kind in TREATMENT:
            events.append(Event("facility-intake", d.arrive, org[:6], {
                "orgCode": org, "processCode": d.site_code, "processType": PROCESS_TYPE.get(d.site_kind, "1"),
                "inTime": when(d.arrive), "carNo": run.plate, "type": WASTE_TYPE.get(run.category, "02"),
                "sendFactory": vehicle.hauler.name, "sendOrgCode": run.region_code[:6] + "000000",
                "tracUnit": vehicle.hauler.name, **weights}))
            plant_in[d.site_code].append((d.arrive, d.net_t))


def _car_type(vehicle) -> str:
    from wastewatch.registry.choices import VehicleType

    return str(list(VehicleType.values).index(vehicle.vehicle_type) + 1)


def _container_truck(vehicles, county6, category):
    """The station's container truck: a hook-lift truck of the county for its category, else any truck of it."""
    pool = [v for v in vehicles.values() if v.region_id.startswith(county6) and v.is_active]
    for wanted in (lambda v: v.vehicle_type == "hooklift" and v.category_id[:2] == category[:2],
                   lambda v: v.category_id[:2] == category[:2], lambda v: True):
        chosen = sorted((v for v in pool if wanted(v)), key=lambda v: v.plate)
        if chosen:
            return chosen[0]
    return None


def leak_station(sites) -> str:
    stations = sorted(code for code, s in sites.items() if s.kind == "transfer" and s.region_id.startswith(SCENARIO_COUNTY))
    return stations[0] if stations else ""


def _stations(day, seed, sites, plants, vehicles, station_in, plant_in, events):
    """Each load a station receives leaves, compacted, for the nearest plant of its kind; the plant weighs it in."""
    leak = leak_station(sites)
    for code, loads in sorted(station_in.items()):
        station = sites[code]
        county6 = station.region_id[:6]
        for n, (arrive, net, category) in enumerate(sorted(loads)):
            share = LEAK_SHARE if code == leak else 1 - LEACHATE_SHARE
            out_t = round(net * share, 2)
            truck = _container_truck(vehicles, county6, category)
            plant = _nearest(plants, STATION_INTAKE.get(category, ("incineration",)), float(station.lon or 0), float(station.lat or 0))
            if truck is None or plant is None or out_t <= 0:
                continue
            leave = arrive + SHIP_AFTER + timedelta(seconds=n)  # distinct per load: the business key has the time
            events.append(Event("transfer-job", leave, county6, {
                "orgCode": station.region_id, "stationCode": code, "carCode": truck.plate, "carType": _car_type(truck),
                "rubbishType": category, "jobType": "2", "inDate": when(leave), "weight": out_t}))
            at_plant = leave + DRIVE_TO_PLANT
            tare = float(truck.tare_t or 10)
            events.append(Event("facility-intake", at_plant, plant.region[:6], {
                "orgCode": plant.region, "processCode": plant.code, "processType": PROCESS_TYPE.get(plant.kind, "1"),
                "inTime": when(at_plant), "carNo": truck.plate, "type": WASTE_TYPE.get(category, "02"), "sendFactory": station.name,
                "sendOrgCode": county6 + "000000", "tracUnit": truck.hauler.name,
                "totalWeight": round(tare + out_t, 2), "actualWeight": round(tare, 2), "weight": out_t}))
            plant_in[plant.code].append((at_plant, out_t))


def _centres(day, seed, sites, centre_in, events):
    for code, loads in sorted(centre_in.items()):
        centre = sites[code]
        rng = stable_rng("chain-centre", code, day.isoformat(), seed)
        for n, (arrive, net) in enumerate(sorted(loads)):
            out = arrive + timedelta(minutes=60, seconds=n)
            events.append(Event("sorting-output", out, centre.region_id[:6], {
                "orgCode": centre.region_id, "centerCode": code, "recyclablesType": "0401", "outDate": when(out),
                "proOutWeight": round(net * (1 - SORTING_LOSS), 2), "proUnitName": rng.choice(RECYCLERS),
                "proInWeight": round(net * (1 - SORTING_LOSS), 2), "storageWeight": None, "carCode": outside_plate(rng)}))


def _plant_days(plants, plant_in, events):
    """Hourly: the cumulative amount treated (what came in by then; the pit stays level), the hour's outputs and
    their dispatch. Hours without intake report nothing new."""
    for code, loads in sorted(plant_in.items()):
        plant = plants[code]
        by_hour = defaultdict(float)
        first_day = min(at for at, _ in loads).astimezone(SHANGHAI).date()
        for at, net in loads:
            local = at.astimezone(SHANGHAI)
            if local.date() != first_day:
                continue  # a load weighed after midnight belongs to the next day's figures
            # The day's last figure is stamped 23:59:59, so that it stays in the day.
            hour_end = min(local.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1),
                           local.replace(hour=23, minute=59, second=59, microsecond=0))
            by_hour[hour_end] += net
        treated = 0.0
        stock = round(float(Site.objects.filter(code=code).values_list("capacity_tpd", flat=True).first() or 100) * 4, 1)
        for hour_end in sorted(by_hour):
            treated += by_hour[hour_end]
            events.append(Event("facility-operation", hour_end, plant.region[:6], {
                "orgCode": plant.region, "processCode": code, "dataTime": when(hour_end), "runState": "1",
                "treatAmount": round(treated, 2), "lineCount": 3 if plant.kind == "incineration" else 2,
                "runningLines": 3 if plant.kind == "incineration" else 2,
                "powerGeneration": round(treated * 450) if plant.kind == "incineration" else None,
                "powerOnGrid": round(treated * 380) if plant.kind == "incineration" else None, "stockAmount": stock}))
            for kind, per_tonne, destination, receiver, serial in OUTPUTS.get(plant.kind, []):
                amount = round(by_hour[hour_end] * per_tonne, 2)
                if amount <= 0:
                    continue
                events.append(Event("facility-output", hour_end, plant.region[:6], {
                    "orgCode": plant.region, "processCode": code, "outputType": kind, "outputTime": when(hour_end),
                    "amount": amount, "stockAmount": 0}))
                leave = hour_end + timedelta(minutes=10)
                events.append(Event("output-destination", leave, plant.region[:6], {
                    "orgCode": plant.region, "processCode": code, "billNo": f"{code[-6:]}{kind}{leave:%Y%m%d%H%M}",
                    "outputType": kind, "outTime": when(leave), "amount": amount, "destinationType": destination,
                    "destinationName": receiver, "destinationCode": credit_code(plant.region[:6], serial),
                    "carNo": outside_plate(stable_rng("chain-out", code, kind, leave.isoformat()))}))


# -- playing a whole day through the real interfaces ----------------------------------------------------------------

def play_day(day: date, *, seed: int = 1, say=lambda line: None) -> dict:
    """Push the day's chain for every county through the real push service (in-process, received at the day's end),
    after each county's base records; then the day's manifests and the ledger's end-of-day checks. Idempotent:
    a second run changes nothing."""
    from wastewatch.interfaces import catalogue

    from .county import CountySystem, Tally, is_base
    from .scenario import LIVE
    from .transport import InProcessTransport

    received = datetime.combine(day, datetime.max.time().replace(microsecond=0), SHANGHAI)
    transport, tally = InProcessTransport(received), Tally()
    by_county = defaultdict(lambda: defaultdict(list))
    for e in city_day(day, seed=seed):
        by_county[e.county6][e.spec].append(e)
    systems = {}
    for county6 in sorted(by_county):  # every county's places and vehicles first: loads cross county lines
        system = systems[county6] = CountySystem(county6, part=LIVE, seed=seed)
        system.ensure_client()
        system.load()
        for spec in system.specs:
            if is_base(spec) and spec.code in BASE_NEEDED:
                system.push(transport, spec, system.base_records(spec, received), tally)
    for county6, system in systems.items():
        for spec in catalogue.push_order([catalogue.get(code) for code in by_county[county6]]):
            records = [{**{k: v for k, v in e.record.items() if v is not None},
                        "uid": f"chain-{county6}-{spec.number:02d}-{day:%Y%m%d}-{i:05d}", "operation": "I"}
                       for i, e in enumerate(by_county[county6][spec.code])]
            system.push(transport, spec, records, tally)
        say(f"{day} {county6}：台账事件 {sum(len(v) for v in by_county[county6].values())} 条")
    manifests = play_manifests(day)
    checks = day_checks(day)
    return {"accepted": tally.total("accepted"), "unchanged": tally.total("unchanged"), "rejected": tally.total("rejected"),
            "reasons": tally.reasons, "manifests": manifests, **checks}


# What a chain push references: the sites and vehicles (and the estates the drop-off points belong to).
BASE_NEEDED = {"estate", "dropoff-point", "staging-point", "collection-point", "transfer-station", "sorting-centre",
               "facility", "vehicle"}


def play_manifests(day: date) -> list[str]:
    """A hospital's medical waste to the hazardous-waste centre under manifests: one delivered in full, one short
    (its alert). Signed by the demo accounts of each party."""
    from decimal import Decimal

    from wastewatch.accounts.models import User
    from wastewatch.ledger.models import Manifest
    from wastewatch.ledger.services import (manifest_create, manifest_pickup, manifest_receive, manifest_schedule,
                                            manifest_sign)

    parties = manifest_parties()
    if parties is None:
        return []
    users, hospital, centre = parties
    out = []
    for n, shipped, received, at in manifest_plan(day):
        shipped, received = Decimal(shipped), Decimal(received)
        number = f"LD{day:%Y%m%d}{hospital.region_id[:6]}{n:04d}"
        if Manifest.objects.filter(number=number).exists():
            out.append(number)
            continue
        m = manifest_create(actor=users["generator"], category="HW01", waste_name="感染性医疗废物", generator=hospital,
                            hauler=users["hauler"].organisation, receiver=centre, shipped_t=shipped, planned_on=day, number=number)
        manifest_schedule(actor=users["generator"], manifest=m)
        manifest_pickup(actor=users["hauler"], manifest=m, hauled_t=shipped, at=at)
        manifest_receive(actor=users["hazardous_operator"], manifest=m, received_t=received, at=at + timedelta(hours=1))
        if not m.discrepancy:
            manifest_sign(actor=users["hazardous_operator"], manifest=m)
        out.append(number)
    return out


def manifest_parties():
    """The demo accounts that sign the manifests, the hospital and the hazardous-waste centre they belong to."""
    from wastewatch.accounts.models import User

    users = {u.username: u for u in User.objects.filter(username__in=("generator", "hauler", "hazardous_operator"))
             .select_related("role", "organisation")}
    if len(users) < 3:
        return None
    hospital = Site.objects.filter(kind="hospital", operator=users["generator"].organisation).order_by("code").first()
    centre = Site.objects.filter(kind="hazardous", operator=users["hazardous_operator"].organisation).order_by("code").first()
    return None if hospital is None or centre is None else (users, hospital, centre)


def manifest_plan(day: date):
    """(serial, shipped, received, picked up at): one delivered in full, one short by 0.4 t."""
    nine = datetime.combine(day, datetime.min.time(), SHANGHAI) + timedelta(hours=9)
    return [(1, "1.250", "1.245", nine + timedelta(hours=1)), (2, "2.000", "1.600", nine + timedelta(hours=2))]


def day_checks(day: date) -> dict:
    """The ledger's end-of-day rules: mass balance of every site, outputs without a destination."""
    from wastewatch.ledger.balance import balance_check
    from wastewatch.ledger.services.facilities import outputs_check

    balances = balance_check(actor=None, day=day)
    unaccounted = outputs_check(actor=None, day=day)
    return {"sites": len(balances), "flagged": sorted(b.site.code for b in balances if b.flagged),
            "outputs_unaccounted": len(unaccounted)}
