"""Live data: what the county's sites and vehicles report during a time window, with plausible Taizhou values.

A window is a live round (the last minute) or a past day of --history, which gets one round's worth of events
spread over the day: all the health page needs, and it keeps --history quick (each record costs the platform a few
milliseconds). Event times fall inside the window and are distinct per site or vehicle, so business keys do not
collide. Weighings keep net = gross − tare; cumulative facility and vehicle figures grow through the day.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from wastewatch.registry.choices import OrganisationKind, VehicleType

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


def sorting_intake(data: CountyData, window: Window, rng):
    cars = vehicles_for(data, "0400")
    for p in data.sites("sorting"):
        for t in window.times(1, rng):
            car = rng.choice(cars)
            yield {"orgCode": p.region_code, "centerCode": p.code, "carCode": car.plate, "recyclablesType": rng.choice(RECYCLABLES),
                   "inDate": when(t), **weighing(rng, car, low=0.3)}


def sorting_output(data: CountyData, window: Window, rng):
    for p in data.sites("sorting"):
        for t in window.times(1, rng):
            out = tonnes(rng.uniform(2, 15))
            yield {"orgCode": p.region_code, "centerCode": p.code, "recyclablesType": rng.choice(RECYCLABLES), "outDate": when(t),
                   "proOutWeight": out, "proUnitName": rng.choice(RECYCLERS_ELSEWHERE), "proInWeight": tonnes(out - rng.uniform(0, 0.08)),
                   "storageWeight": tonnes(rng.uniform(10, 60)), "carCode": outside_plate(rng)}


# What each kind of plant takes in.
INTAKE = {"incineration": ("0200",), "landfill": ("0200",), "perishable": ("0100",), "hazardous": ("0300",)}


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


def facility_output(data: CountyData, window: Window, rng):
    at = window.hour()
    for p in data.sites("facility"):
        hourly = (p.capacity or 150) / 24
        for kind, per_tonne, _, _ in outputs_of(p):
            yield {"orgCode": p.region_code, "processCode": p.code, "outputType": kind, "outputTime": when(at),
                   "amount": round(hourly * per_tonne * rng.uniform(0.8, 1.1), 2), "stockAmount": round(hourly * per_tonne * 12, 1)}


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


def _stops(data: CountyData, index: int) -> list:
    """The sites a vehicle calls at on its run: a few drop-off points and the station or plant it unloads at."""
    points = data.sites("dropoff") or data.sites("collection")
    ends = data.sites("transfer") + data.sites("facility")
    stops = [points[(index * 3 + k) % len(points)] for k in range(3)] if points else []
    return stops + ([ends[index % len(ends)]] if ends else [])


def vehicle_gps(data: CountyData, window: Window, rng):
    """Fixes at and around the sites on the vehicle's run, within 100 m of them: those sites lie in the county, so
    the fixes do too, without a boundary test (a line between two sites may cross a bay or a neighbour)."""
    for i, car in enumerate(v for v in data.vehicles if v.terminal_id):
        stops = _stops(data, i)
        if not stops:
            continue
        for t in window.times(2, rng):
            stop = rng.choice(stops)
            lon, lat = near(stop.lon, stop.lat, rng, metres=100)
            yield {"orgCode": car.region_id, "code": car.plate, "gpsNo": car.terminal_id, "locateTime": when(t),
                   "locateType": "3", **located(lon, lat), "speed": round(rng.uniform(0, 45), 1), "direction": rng.randrange(360)}


def vehicle_operation(data: CountyData, window: Window, rng):
    share = window.day_fraction()
    for car in data.vehicles:
        trips = max(0, int(share * 8))
        yield {"orgCode": car.region_id, "code": car.plate, "workDate": day(window.end), "tripCount": trips,
               "weight": tonnes(trips * float(car.capacity_t) * 0.8), "mileage": round(share * 120, 1),
               "workDuration": round(min(24, share * 12), 1), "pointCount": trips * 12}


ALERTS = {"01": "限速 50 千米/小时路段超速行驶", "02": "怠速超过 15 分钟", "04": "偏离规定收运路线", "05": "计划收运点位漏收",
          "06": "疑似混装混运", "07": "进场未过磅"}


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
