"""Live data: what the county's sites and vehicles report during a time window, with plausible Taizhou values.

A window is a live round (the last minute) or a past day of --history, which gets one round's worth of events
spread over the day: all the health page needs, and it keeps --history quick (each record costs the platform a few
milliseconds). Event times fall inside the window and are distinct per site or vehicle, so business keys do not
collide. Weighings keep net = gross − tare; cumulative facility and vehicle figures grow through the day.
"""
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from wastewatch.registry.choices import OrganisationKind, VehicleType

from . import fleet
from .base import located
from .snapshot import CountyData, near
from .values import (
    PHOTO, PROCESS_TYPE, SHANGHAI, WASTE_TYPE, category, credit_code, day, outside_plate, position, stamp, tonnes, when,
)

RECYCLABLES = ("0401", "0402", "0403", "0404", "0405")
RECYCLERS_ELSEWHERE = ("台州市再生纸业有限公司", "台州市塑料再生利用有限公司", "浙江台州金属再生资源有限公司")


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime

    def times(self, n: int, rng) -> list[datetime]:
        """n distinct moments (to the second) inside the window, in order."""
        seconds = max(1, int((self.end - self.start).total_seconds()))
        picks = sorted(rng.sample(range(seconds), min(n, seconds)))
        return [self.start + timedelta(seconds=s + 1) for s in picks]

    def hour(self) -> datetime:
        """The end of the window, down to the hour: the time stamp of hourly figures."""
        return self.end.astimezone(SHANGHAI).replace(minute=0, second=0, microsecond=0)

    def day_fraction(self) -> float:
        local = self.end.astimezone(SHANGHAI)
        return (local.hour * 3600 + local.minute * 60 + local.second) / 86400


def vehicles_for(data: CountyData, *categories: str):
    """The county's vehicles that carry one of the categories, or all of them."""
    chosen = [v for v in data.vehicles if category(v.category_id) in categories]
    return chosen or data.vehicles


def weighing(rng, vehicle, low=0.5) -> dict:
    """A weighbridge reading of a loaded vehicle: tare from the registry, net within its capacity."""
    capacity = float(vehicle.capacity_t or 5)
    tare = float(vehicle.tare_t or round(capacity * 1.2, 1))
    net = round(rng.uniform(min(low, capacity * 0.5), capacity * 0.95), 2)
    return {"totalWeight": round(tare + net, 2), "actualWeight": round(tare, 2), "weight": net}


# -- the ledger's interfaces follow the day's chain (chain.py) --------------------------------------------------------

FIRST_SEND_BACKLOG = timedelta(days=1)
_FED: set[tuple[str, str]] = set()


def chained(spec_code: str):
    """Weighings, station and plant figures come from the day's chain, so that what the fleet picks up is what the
    stations and plants weigh in. A county system's first short round sends its backlog since yesterday. The random
    builder it wraps keeps every other place's data flowing: the places the chain does not touch that day (stand-ins,
    points no collection plan serves)."""
    def wrap(random_builder):
        def build(data: CountyData, window: Window, rng):
            from . import chain

            start = window.start
            live_round = window.end - window.start <= timedelta(hours=1)
            if live_round and (data.code6, spec_code) not in _FED:
                start = window.end - FIRST_SEND_BACKLOG
            yield from _known_references(spec_code, chain.events_for(data, spec_code, start, window.end))
            if spec_code in RESENT:
                yield from _refused_since(data, spec_code, start - RESEND_WITHIN[live_round], start)
            if live_round:  # a replayed past day is not the live feed's first round
                _FED.add((data.code6, spec_code))
            touched = chain.touched_places(data, spec_code, window.end)
            yield from random_builder(_places_except(data, SUBJECT_KIND[spec_code], touched), window, rng)
        build.__name__ = random_builder.__name__
        build.__doc__ = random_builder.__doc__
        return build
    return wrap


def _known_references(spec_code: str, records: list[dict]) -> list[dict]:
    """The records whose referenced vehicles and places the platform already has: a load from a county whose system
    has not pushed its vehicles (one not simulated, or later in this first round) is not sent, rather than refused."""
    from wastewatch.interfaces import catalogue
    from wastewatch.interfaces.models import InterfaceRecord

    refs = catalogue.get(spec_code).references

    def referenced(record):
        return [str(record[ref.field]) for ref in refs if record.get(ref.field) and ref.applies(record)]

    codes = {code for r in records for code in referenced(r)}
    if not codes:
        return records
    known = set(InterfaceRecord.objects.filter(key__in=codes, is_deleted=False).values_list("key", flat=True))
    return [r for r in records if all(code in known for code in referenced(r))]


# Weighbridge records a county system keeps until the platform has them: one refused (a bad record) or held back
# (its vehicle not yet known) goes again with the next push, as a vendor's retry queue does. Without it a refused
# weighing is an intake the platform never learns of, and the truck's visit raises "weighing missing" though the
# fleet's day weighed it. How far back each push looks: a live round (within the rule's 6 h grace), a replayed past
# day (three days: a county refusing 30 % of its weighings refuses the same one three times in 3 % of cases).
RESENT = {"transfer-job", "sorting-intake", "facility-intake"}
RESEND_WITHIN = {True: timedelta(hours=6), False: timedelta(days=3)}


def _refused_since(data: CountyData, spec_code: str, start: datetime, end: datetime) -> list[dict]:
    """The chain's records of (start, end] that the platform does not hold (by business key), ready to go again."""
    from wastewatch.interfaces import catalogue
    from wastewatch.interfaces.models import InterfaceRecord
    from wastewatch.interfaces.push import business_key

    from . import chain

    spec = catalogue.get(spec_code)
    records = chain.events_for(data, spec_code, start, end)
    if not records:
        return []
    keys = {business_key(spec, r): r for r in records}
    held = set(InterfaceRecord.objects.filter(interface=spec_code, key__in=list(keys)).values_list("key", flat=True))
    return _known_references(spec_code, [r for k, r in keys.items() if k not in held])


# The kind of place each chained interface reports on (the others stay, as destinations of the random records).
SUBJECT_KIND = {"staging-job": "staging", "transfer-job": "transfer", "sorting-intake": "sorting", "sorting-output": "sorting",
                "facility-intake": "facility", "facility-operation": "facility", "facility-output": "facility",
                "output-destination": "facility", "collection-clear": "collection", "haul-away": "dropoff"}


def _places_except(data: CountyData, kind: str, codes: set[str]) -> CountyData:
    places = dict(data.places)
    places[kind] = [p for p in places.get(kind, []) if p.code not in codes]
    return replace(data, places=places)


@chained("staging-job")
def staging_job(data: CountyData, window: Window, rng):
    cars = vehicles_for(data, "0200", "0100")
    for p in data.sites("staging"):
        for t in window.times(2, rng):
            if rng.random() < 0.6 or not cars:
                yield {"orgCode": p.region_code, "setPointCode": p.code, "jobType": "1", "type": rng.choice(["01", "02"]),
                       "weight": tonnes(rng.uniform(0.2, 1.5)), "collectTime": when(t), "transferTime": None, "carNo": None,
                       "photo": f"{PHOTO}{p.code}-{stamp(t)}.jpg"}
            else:
                car = rng.choice(cars)
                yield {"orgCode": p.region_code, "setPointCode": p.code, "jobType": "2", "type": WASTE_TYPE[category(car.category_id)],
                       "weight": tonnes(rng.uniform(1, min(float(car.capacity_t), 5))), "collectTime": None,
                       "transferTime": when(t), "carNo": car.plate, "photo": f"{PHOTO}{p.code}-{stamp(t)}.jpg"}


@chained("transfer-job")
def transfer_job(data: CountyData, window: Window, rng):
    cars = vehicles_for(data, "0200", "0100")
    for p in data.sites("transfer"):
        for t in window.times(2, rng):
            car = rng.choice(cars)
            outgoing = car.vehicle_type == VehicleType.HOOKLIFT  # compressed containers leave on hook-lift trucks
            yield {"orgCode": p.region_code, "stationCode": p.code, "carCode": car.plate,
                   "carType": position(VehicleType, car.vehicle_type), "rubbishType": category(car.category_id),
                   "jobType": "2" if outgoing else "1", "inDate": when(t),
                   "weight": tonnes(rng.uniform(8, 15) if outgoing else rng.uniform(1.5, max(2.0, float(car.capacity_t) * 0.9)))}


@chained("sorting-intake")
def sorting_intake(data: CountyData, window: Window, rng):
    cars = vehicles_for(data, "0400")
    for p in data.sites("sorting"):
        for t in window.times(1, rng):
            car = rng.choice(cars)
            yield {"orgCode": p.region_code, "centerCode": p.code, "carCode": car.plate, "recyclablesType": rng.choice(RECYCLABLES),
                   "inDate": when(t), **weighing(rng, car, low=0.3)}


@chained("sorting-output")
def sorting_output(data: CountyData, window: Window, rng):
    for p in data.sites("sorting"):
        for t in window.times(1, rng):
            out = tonnes(rng.uniform(2, 15))
            yield {"orgCode": p.region_code, "centerCode": p.code, "recyclablesType": rng.choice(RECYCLABLES), "outDate": when(t),
                   "proOutWeight": out, "proUnitName": rng.choice(RECYCLERS_ELSEWHERE), "proInWeight": tonnes(out - rng.uniform(0, 0.08)),
                   "storageWeight": tonnes(rng.uniform(10, 60)), "carCode": outside_plate(rng)}


# What each kind of plant takes in.
INTAKE = {"incineration": ("0200",), "landfill": ("0200",), "perishable": ("0100",), "hazardous": ("0300",)}


@chained("facility-intake")
def facility_intake(data: CountyData, window: Window, rng):
    stations = data.sites("transfer")
    for p in data.sites("facility"):
        cars = vehicles_for(data, *INTAKE.get(p.site_kind, ("0400",)))
        for t in window.times(2, rng):
            car = rng.choice(cars)
            sender = rng.choice(stations).name if stations and rng.random() < 0.6 else car.hauler.name
            yield {"orgCode": p.region_code, "processCode": p.code, "processType": PROCESS_TYPE.get(p.site_kind, "3"),
                   "inTime": when(t), "carNo": car.plate, "type": WASTE_TYPE[category(car.category_id)], "sendFactory": sender,
                   "sendOrgCode": data.region_code, "tracUnit": car.hauler.name, **weighing(rng, car)}


@chained("facility-operation")
def facility_operation(data: CountyData, window: Window, rng):
    at = window.hour()
    share = at.hour / 24
    for p in data.sites("facility"):
        capacity = p.capacity or 150
        lines = 3 if p.site_kind == "incineration" else 2
        treated = round(capacity * share * rng.uniform(0.85, 0.98), 1)
        power = round(treated * rng.uniform(420, 480)) if p.site_kind == "incineration" else None
        yield {"orgCode": p.region_code, "processCode": p.code, "dataTime": when(at), "runState": "1", "treatAmount": treated,
               "lineCount": lines, "runningLines": lines if rng.random() < 0.9 else lines - 1, "powerGeneration": power,
               "powerOnGrid": round(power * 0.84) if power is not None else None, "stockAmount": tonnes(capacity * rng.uniform(3, 6))}


# Hourly averages with their GB 18485 limits; TEMP is a minimum (850 ℃), the others maxima.
FLUE = {"SO2": (5, 40, 100), "NOX": (80, 220, 300), "PM": (1, 8, 30), "HCL": (2, 20, 60), "CO": (5, 40, 100), "TEMP": (860, 1000, 850)}


def facility_monitoring(data: CountyData, window: Window, rng):
    at = window.hour()
    for p in data.sites("facility"):
        items = FLUE if p.site_kind == "incineration" else {"LEACHATE": (0.5, 3, 5)}
        point = "L1" if p.site_kind == "incineration" else "S1"
        for item, (low, high, limit) in items.items():
            value = round(rng.uniform(low, high), 1)
            exceeded = value < limit if item == "TEMP" else value > limit
            yield {"orgCode": p.region_code, "processCode": p.code, "monitorPoint": point, "itemCode": item,
                   "monitorTime": when(at), "value": value, "limitValue": limit, "isExceed": "1" if exceeded else "0"}


# Output kinds per treatment kind, with the amount per tonne treated and where they go.
OUTPUTS = {
    "incineration": [("01", 0.03, "1", "台州市飞灰安全填埋场"), ("02", 0.2, "2", "台州市建材综合利用有限公司")],
    "perishable": [("03", 60, "5", "厂内沼气发电机组"), ("04", 0.02, "4", "浙江生物柴油有限公司")],
    "landfill": [("07", 0.25, "7", "台州市污水处理厂")],
    "hazardous": [("02", 0.3, "1", "浙江省危险废物安全填埋场")],
}


def outputs_of(place):
    return OUTPUTS.get(place.site_kind, [("05", 0.1, "2", "台州市有机肥有限公司")])


@chained("facility-output")
def facility_output(data: CountyData, window: Window, rng):
    at = window.hour()
    for p in data.sites("facility"):
        hourly = (p.capacity or 150) / 24
        for kind, per_tonne, _, _ in outputs_of(p):
            yield {"orgCode": p.region_code, "processCode": p.code, "outputType": kind, "outputTime": when(at),
                   "amount": round(hourly * per_tonne * rng.uniform(0.8, 1.1), 2), "stockAmount": round(hourly * per_tonne * 12, 1)}


@chained("output-destination")
def output_destination(data: CountyData, window: Window, rng):
    for p in data.sites("facility"):
        kind, per_tonne, destination, receiver = outputs_of(p)[0]
        for n, t in enumerate(window.times(1, rng), start=1):
            yield {"orgCode": p.region_code, "processCode": p.code, "billNo": f"{p.code[-6:]}{stamp(t)}{n}",
                   "outputType": kind, "outTime": when(t), "amount": round((p.capacity or 150) * per_tonne * rng.uniform(0.3, 0.6), 2),
                   "destinationType": destination, "destinationName": receiver,
                   "destinationCode": credit_code(data.code6, 900 + int(kind)), "carNo": outside_plate(rng)}


def _home(data: CountyData, index: int):
    """Where a vehicle works: near one of the county's sites."""
    places = data.sites("transfer") + data.sites("dropoff") + data.sites("facility")
    place = places[index % len(places)] if places else None
    return (place.lon, place.lat) if place else (121.42, 28.66)


def _window_days(window: Window):
    first, last = window.start.astimezone(SHANGHAI).date(), window.end.astimezone(SHANGHAI).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def vehicle_gps(data: CountyData, window: Window, rng):
    """The fixes of the fleet's runs (fleet.py) that fall in the window: every 10 s live; every 60 s for a past day,
    which keeps --history quick and still shows every stop, visit and planted anomaly. Between rounds a truck stands
    and reports every minute live (every half hour for a past day). The runs call at the county's registered sites,
    so the fixes stay near them (a detour's waypoint is checked to lie in the county)."""
    live_window = window.end - window.start <= timedelta(minutes=15)
    every_s, parked_s = (10, 60) if live_window else (60, 1800)
    for day_ in _window_days(window):
        by_vehicle: dict[str, list] = {}
        for run in fleet.runs(data, day_):
            by_vehicle.setdefault(run.plate, []).append(run)
        day_start = datetime.combine(day_, datetime.min.time(), SHANGHAI)
        start, end = max(window.start, day_start), min(window.end, day_start + timedelta(days=1) - timedelta(seconds=1))
        for plate, runs_ in by_vehicle.items():
            fixes = [f for run in runs_ for f in fleet.fixes(run, every_s=every_s)]
            fixes += list(fleet.parked(runs_, start, end, every_s=parked_s))
            run = runs_[0]
            for at, lon, lat, speed, heading in sorted(fixes):
                if window.start < at <= window.end:
                    yield {"orgCode": run.region_code, "code": run.plate, "gpsNo": run.terminal_id, "locateTime": when(at),
                           "locateType": "3", **located(lon, lat), "speed": min(speed, 200.0), "direction": heading}


def vehicle_operation(data: CountyData, window: Window, rng):
    """Each vehicle's figures of the day so far, from its runs: trips unloaded, tonnes, kilometres, hours, points."""
    today = window.end.astimezone(SHANGHAI).date()
    done: dict[str, dict] = {}
    for run in fleet.runs(data, today):
        figures = done.setdefault(run.plate, {"trips": 0, "weight": 0.0, "km": 0.0, "hours": 0.0, "points": 0, "org": run.region_code})
        served = [c for c in run.calls if c.load_t > 0 and c.leave <= window.end]
        unloaded = [d for d in run.deliveries if d.leave <= window.end]
        figures["trips"] += len(unloaded)
        figures["weight"] += sum(d.net_t for d in unloaded)
        figures["points"] += len(served)
        path = [(c.lon, c.lat) for c in served] + [(d.lon, d.lat) for d in unloaded]
        figures["km"] += sum(fleet.metres(*a, *b) for a, b in zip(path, path[1:])) / 1000
        stops = [c.arrive for c in run.calls if c.load_t > 0] + [d.leave for d in run.deliveries]
        if stops and min(stops) < window.end:
            figures["hours"] += (min(max(stops), window.end) - min(stops)).total_seconds() / 3600
    for car in data.vehicles:
        f = done.get(car.plate)
        if f is None:
            continue
        yield {"orgCode": car.region_id, "code": car.plate, "workDate": day(window.end), "tripCount": f["trips"],
               "weight": tonnes(f["weight"]), "mileage": round(f["km"], 1), "workDuration": round(min(24.0, f["hours"]), 1),
               "pointCount": f["points"]}


ALERTS = {"01": "限速 50 千米/小时路段超速行驶", "02": "怠速超过 15 分钟", "04": "偏离规定收运路线", "05": "计划收运点位漏收",
          "06": "疑似混装混运"}
# Not "07" 进场未过磅: whether a visit was weighed follows from the fleet's day and the weighbridges (chain.py); the
# platform's own rule finds the planted unweighed delivery, and a random one here was an alert on a weighed truck.


def vehicle_alert(data: CountyData, window: Window, rng):
    """A few alerts per county and round: at least one, so the interface always has data."""
    if not data.vehicles:
        return
    count = max(1, sum(rng.random() < 0.1 for _ in data.vehicles))
    for n, t in enumerate(window.times(count, rng)):
        index = rng.randrange(len(data.vehicles))
        car = data.vehicles[index]
        lon, lat = _home(data, index)
        kind = rng.choice(list(ALERTS))
        speed = round(rng.uniform(55, 75), 1) if kind == "01" else round(rng.uniform(0, 40), 1)
        yield {"orgCode": car.region_id, "code": car.plate, "alertType": kind, "alertLevel": "2" if kind in ("01", "06") else "1",
               "alertTime": when(t), **located(lon, lat), "speed": speed, "content": f"{ALERTS[kind]}，车速 {speed} 千米/小时",
               "photo": f"{PHOTO}alert-{car.plate[2:]}-{stamp(t)}.jpg"}


def collection_drop(data: CountyData, window: Window, rng):
    for p in data.sites("collection"):
        for t in window.times(2, rng):
            yield {"orgCode": p.region_code, "pointCode": p.code, "type": rng.choice(["01", "02", "04"]),
                   "grade": rng.choices(["1", "2", "3", "4"], [5, 3, 1, 1])[0], "weight": round(rng.uniform(0.005, 0.05), 4),
                   "collectTime": when(t)}


@chained("collection-clear")
def collection_clear(data: CountyData, window: Window, rng):
    cars = vehicles_for(data, "0200", "0100")
    for p in data.sites("collection"):
        for t in window.times(1, rng):
            car = rng.choice(cars)
            yield {"orgCode": p.region_code, "pointCode": p.code, "carCode": car.plate, "rubbishType": category(car.category_id),
                   "weight": tonnes(rng.uniform(0.3, 2)), "clearTime": when(t)}


def resident_drop(data: CountyData, window: Window, rng):
    points = data.sites("dropoff")
    if not points or not data.residents:
        return
    by_estate = {}
    for p in points:
        by_estate.setdefault(p.estate_code, []).append(p)
    for t in window.times(3, rng):
        person = rng.choice(data.residents)
        point = rng.choice(by_estate.get(person.estate_code) or points)
        yield {"orgCode": point.region_code, "residentCode": person.code, "dumpCode": point.code,
               "type": rng.choice(["01", "01", "02", "04", "03"]), "weight": round(rng.uniform(0.0008, 0.006), 5),
               "dumpTime": when(t), "isRight": "1" if rng.random() < 0.9 else "0", "photo": f"{PHOTO}drop-{point.code}-{stamp(t)}.jpg"}


@chained("haul-away")
def haul_away(data: CountyData, window: Window, rng):
    cars = vehicles_for(data, "0200", "0100")
    stations, plants = data.sites("transfer"), data.sites("facility")
    points = data.sites("dropoff")
    for p in rng.sample(points, min(len(points), 3)):
        t = window.times(1, rng)[0]
        car = rng.choice(cars)
        target = ("2", rng.choice(stations).code) if stations else ("3", rng.choice(plants).code)
        yield {"orgCode": p.region_code, "dumpCode": p.code, "carCode": car.plate, "rubbishType": category(car.category_id),
               "weight": tonnes(rng.uniform(0.1, 0.8)), "transferTime": when(t), "transferType": target[0],
               "transferPointCode": target[1]}


def outlet_intake(data: CountyData, window: Window, rng):
    for p in data.sites("outlet"):
        for t in window.times(2, rng):
            yield {"orgCode": p.region_code, "siteCode": p.code, "type": rng.choice(RECYCLABLES),
                   "weight": round(rng.uniform(0.005, 0.05), 4), "putTime": when(t), "price": round(rng.uniform(0.5, 3), 2)}


def outlet_output(data: CountyData, window: Window, rng):
    centres = data.sites("sorting")
    for p in data.sites("outlet"):
        for t in window.times(1, rng):
            centre = rng.choice(centres) if centres else None
            yield {"orgCode": p.region_code, "siteCode": p.code, "type": rng.choice(RECYCLABLES), "weight": tonnes(rng.uniform(0.3, 2)),
                   "outTime": when(t), "receiveUnit": centre.name if centre else rng.choice(RECYCLERS_ELSEWHERE),
                   "centerCode": centre.code if centre else None}


def _canteen(kind: str, diners: tuple[int, int]):
    def build(data: CountyData, window: Window, rng):
        place = data.canteens.get(kind)
        if place is None:
            return
        cars = vehicles_for(data, "0100")
        count = rng.randrange(*diners)
        yield {"orgCode": place.region_code, "canteenCode": place.code, "canteenName": place.name,
               "recordDate": day(window.end - timedelta(days=1)), "dinerCount": count,
               "perishableWeight": round(count * rng.uniform(0.00025, 0.00035), 3), "oilWeight": round(count * 0.00001, 4),
               "carCode": cars[0].plate if cars else None, "receiveUnit": data.organisation(OrganisationKind.HAULER)}

    return build


def rural_station_daily(data: CountyData, window: Window, rng):
    for p in data.sites("rural"):
        inflow = round(rng.uniform(2.5, 4.5), 2)
        yield {"orgCode": p.region_code, "ruralCode": p.code, "dayDate": day(window.end - timedelta(days=1)), "inAmount": inflow,
               "outAmount": round(inflow * rng.uniform(0.2, 0.3), 2), "inAverageAmount": round(rng.uniform(3, 4), 2)}


BUILDERS = {
    "staging-job": staging_job, "transfer-job": transfer_job, "sorting-intake": sorting_intake, "sorting-output": sorting_output,
    "facility-intake": facility_intake, "facility-operation": facility_operation, "facility-monitoring": facility_monitoring,
    "facility-output": facility_output, "output-destination": output_destination, "vehicle-gps": vehicle_gps,
    "vehicle-operation": vehicle_operation, "vehicle-alert": vehicle_alert, "collection-drop": collection_drop,
    "collection-clear": collection_clear, "resident-drop": resident_drop, "haul-away": haul_away,
    "outlet-intake": outlet_intake, "outlet-output": outlet_output,
    "school-canteen": _canteen("school", (800, 1600)), "office-canteen": _canteen("office", (200, 500)),
    "rural-station-daily": rural_station_daily,
}
# Daily reports (a day's figures, once a day) rather than events.
DAILY = {"school-canteen", "office-canteen", "rural-station-daily"}
# Real-time interfaces sent less often than every round: hourly figures, per-trip cumulative figures.
EVERY_SECONDS = {"facility-operation": 3600, "facility-monitoring": 3600, "facility-output": 3600, "output-destination": 3600,
                 "sorting-output": 1800, "vehicle-operation": 1800}
