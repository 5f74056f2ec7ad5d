"""Base data: the county's registry rows as the 14 registry interfaces' records.

Each builder returns, per row, the fields the registry knows; the county system merges them over the spec's example
record (see county.compose), so a field the catalogue adds later keeps a valid example value. None drops a field.
"""
from wastewatch.registry import choices
from wastewatch.registry.choices import OrganisationKind

from .snapshot import CountyData, Place, road_address, room_code, stable_rng
from .values import PHOTO, PROCESS_TYPE, STATE, VIDEO, category, flag, position, tonnes, when


def located(lon, lat) -> dict:
    return {"lon": f"{float(lon):.6f}", "lat": f"{float(lat):.6f}", "coordSystem": "WGS84"}


def site_fields(place: Place) -> dict:
    """The fields every site interface shares (Site mixin): location, address, state, video."""
    return {"orgCode": place.region_code, **located(place.lon, place.lat), "address": place.address[:200],
            "state": STATE.get(place.status, "1"), "videoMonitor": flag(place.has_video)}


def officer(place: Place) -> dict:
    return {"officer": place.contact_name[:32] or None, "officerMobile": place.contact_phone or None}


def estate(data: CountyData, moment, rng):
    for e in data.estates:
        yield {
            "orgCode": e.region_id, "unitCode": e.code, "unitName": e.name,
            "unitAddr": (e.address or road_address(data.name, e.code))[:200],
            **located(e.lon, e.lat), "isHigh": flag(e.is_high_rise), "communityName": e.region.name[:50],
            "officer": e.contact_name or None, "officerMobile": e.contact_phone or None,
            "tenementName": e.property_company.name if e.property_company_id else None,
        }


def building(data: CountyData, moment, rng):
    for b in data.buildings:
        yield {"orgCode": b.region_id, "buildingCode": b.code, "buildingName": b.name[:32], "unitCode": b.estate.code,
               "floors": b.floors, "households": b.households}


def dwelling(data: CountyData, moment, rng):
    seen = set()
    for d in data.dwellings:
        code = room_code(d)
        if code in seen:
            continue
        seen.add(code)
        yield {"orgCode": d.region_id, "roomCode": code, "buildingCode": d.building.code,
               "roomNo": f"{d.building.name}{d.room_no}室"[:32], "area": tonnes(d.area_m2) if d.area_m2 else None,
               "population": d.population}


def dropoff_point(data: CountyData, moment, rng):
    fallback = data.estates[0].code if data.estates else None
    for p in data.sites("dropoff"):
        yield {**site_fields(p), **officer(p), "dumpCode": p.code, "dumpName": p.name, "unitCode": p.estate_code or fallback,
               "unitType": "1", "dumpType": "1" if len(p.categories) >= 4 else "3", "isSmart": flag(p.code in data.smart),
               "openTime": p.hours or None}


def staging_point(data: CountyData, moment, rng):
    regions = {c.code: c for c in data.communities}
    for p in data.sites("staging"):
        community = regions.get(p.region_code)
        org_name = data.name + (f"{community.parent.name}{community.name}" if community else "")
        yield {**site_fields(p), "code": p.code, "name": p.name, "orgName": org_name[:50],
               "dailyDesignValue": tonnes(p.capacity or 5), "weightMonitor": flag(p.has_weighing),
               "operationUnit": p.operator or data.organisation(OrganisationKind.HAULER),
               "contact": p.contact_name[:32] or None, "tel": p.contact_phone or None}


def transfer_station(data: CountyData, moment, rng):
    for p in data.sites("transfer"):
        capacity = p.capacity or 200
        size = "1" if capacity >= 1000 else "2" if capacity >= 450 else "3" if capacity >= 150 else "4" if capacity >= 50 else "5"
        yield {**site_fields(p), "stationCode": p.code, "stationName": p.name, "stationType": size, "way": "1", "isMove": "0",
               "machineNum": max(1, int(capacity // 100)), "weightMonitor": flag(p.has_weighing), "deodorization": "1",
               "leachate": "1", "dailyDesignValue": tonnes(capacity), "areaCovered": tonnes(capacity * 14),
               "dailyLeachate": tonnes(capacity * 0.04), "dischargeDirection": "1",
               "operationUnit": p.operator or data.organisation(OrganisationKind.HAULER)}


def sorting_centre(data: CountyData, moment, rng):
    for p in data.sites("sorting"):
        capacity = p.capacity or 60
        yield {**site_fields(p), **officer(p), "centerCode": p.code, "centerName": p.name, "nature": "2",
               "dailyDesignValue": tonnes(capacity), "designWeight": tonnes(capacity * 20), "photo": f"{PHOTO}{p.code}.jpg",
               "operationUnit": p.operator or data.organisation(OrganisationKind.RECYCLER)}


def facility(data: CountyData, moment, rng):
    for p in data.sites("facility"):
        capacity = p.capacity or 150
        yield {**site_fields(p), **officer(p), "processCode": p.code, "processName": p.name,
               "processType": PROCESS_TYPE.get(p.site_kind, "3"), "nature": "3", "dailyDesignValue": tonnes(capacity),
               "areaCovered": tonnes(capacity * 60), "photo": f"{PHOTO}{p.code}.jpg",
               "operationUnit": p.operator or data.organisation(OrganisationKind.FACILITY_OPERATOR)}


VIDEO_FIELD = {"dropoff": "dumpCode", "staging": "setPointCode", "collection": "pointCode", "transfer": "stationCode",
               "sorting": "centerCode", "facility": "processCode"}


def video_device(data: CountyData, moment, rng):
    for c in data.cameras:
        site_codes = {f: None for f in VIDEO_FIELD.values()}
        site_codes[VIDEO_FIELD[c.place.kind]] = c.place.code
        yield {"orgCode": c.place.region_code, "videoCode": c.code, "name": c.name, "type": "3", "protocolType": "1",
               "url": f"{VIDEO}{c.code}.m3u8", "address": c.place.address[:200], **located(c.place.lon, c.place.lat),
               "uploadTime": when(moment), **site_codes}


def bought_on(plate: str) -> str:
    """A purchase date the demo city left out, the same on every run."""
    rng = stable_rng("bought", plate)
    return f"{rng.randrange(2016, 2024)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"


def vehicle(data: CountyData, moment, rng):
    for v in data.vehicles:
        bought = v.bought_on.isoformat() if v.bought_on else bought_on(v.plate)
        yield {"orgCode": v.region_id, "code": v.plate, "carType": position(choices.VehicleType, v.vehicle_type),
               "fuelType": position(choices.FuelType, v.fuel_type), "trashType": category(v.category_id),
               "loads": tonnes(v.capacity_t), "belongUnit": v.hauler.name, "operationUnit": v.hauler.name,
               "isBindGps": flag(v.terminal_id), "gpsNo": v.terminal_id or None, "videoMonitor": flag(v.has_video),
               "buyDate": bought, "operationDate": bought, "photo": f"{PHOTO}car-{v.plate[2:]}.jpg"}


def collection_point(data: CountyData, moment, rng):
    for p in data.sites("collection"):
        yield {**site_fields(p), **officer(p), "pointCode": p.code, "pointName": p.name, "pointType": "1",
               "weightMonitor": flag(p.has_weighing), "unitCode": p.estate_code or None, "openTime": p.hours or None}


def resident(data: CountyData, moment, rng):
    for r in data.residents:
        yield {"orgCode": r.region_code, "residentCode": r.code, "residentName": r.name, "residentMobile": r.mobile,
               "roomCode": r.room_code, "cardNo": "TZ" + r.room_code[-10:]}


def recycling_outlet(data: CountyData, moment, rng):
    for p in data.sites("outlet"):
        yield {**site_fields(p), **officer(p), "siteCode": p.code, "siteName": p.name, "siteType": "1",
               "operationUnit": p.operator or data.organisation(OrganisationKind.RECYCLER), "openTime": p.hours or "08:00-17:30"}


def rural_station(data: CountyData, moment, rng):
    for p in data.sites("rural"):
        yield {**site_fields(p), **officer(p), "ruralCode": p.code, "ruralName": p.name, "processMode": "1",
               "operationUnit": p.operator or data.organisation(OrganisationKind.HAULER), "dailyDesignValue": tonnes(p.capacity or 5),
               "villageCount": max(1, sum(1 for c in data.communities if c.name.endswith("村")))}


BUILDERS = {
    "estate": estate, "building": building, "dwelling": dwelling, "dropoff-point": dropoff_point,
    "staging-point": staging_point, "transfer-station": transfer_station, "sorting-centre": sorting_centre,
    "facility": facility, "video-device": video_device, "vehicle": vehicle, "collection-point": collection_point,
    "resident": resident, "recycling-outlet": recycling_outlet, "rural-station": rural_station,
}
