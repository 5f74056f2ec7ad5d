"""From an interface record (provincial field names) to a registry type's fields.

A mapper names, for every registry field it fills, the record field it comes from, so that
a validation error of the registry ("region" not found) is answered in the vendor's terms
("orgCode"). Code tables are numbered in the order of the registry's choices (codes.py).
"""
from dataclasses import dataclass, field
from typing import Callable

from wastewatch.registry import choices
from wastewatch.registry.models import Organisation

from .catalogue import codes


@dataclass(frozen=True)
class Mapper:
    resource: str  # registry resource slug
    copied: dict[str, str]  # registry field ← record field, value as it is
    derived: Callable[[dict], dict] = lambda d: {}  # registry fields computed from the record
    derived_from: dict[str, str] = field(default_factory=dict)  # registry field ← record field, for error messages

    def to_registry(self, data: dict) -> dict:
        """Only what the record says: a field this interface lacks (or the vendor left out) keeps its stored value."""
        values = {target: data[source] for target, source in self.copied.items() if source in data}
        values.update(self.derived(data))
        return values

    def source_field(self, registry_field: str) -> str:
        return self.copied.get(registry_field) or self.derived_from.get(registry_field) or registry_field


def _flag(value) -> bool:
    return str(value) in ("1", "true", "True")


def _numbered(choice_class, *, exclude=()):
    """Code table "1", "2", ... → the registry choice at that position (both follow the same order)."""
    values = [v for v in choice_class.values if v not in exclude]
    return lambda code: values[int(code) - 1] if str(code).isdigit() and 0 < int(code) <= len(values) else code


SITE_STATUS = {"1": choices.SiteStatus.RUNNING, "2": choices.SiteStatus.SUSPENDED, "3": choices.SiteStatus.BUILDING, "4": choices.SiteStatus.PLANNED}
FACILITY_KIND = {"1": choices.SiteKind.INCINERATION, "2": choices.SiteKind.LANDFILL, "3": choices.SiteKind.PERISHABLE,
                 "4": choices.SiteKind.HAZARDOUS, "5": choices.SiteKind.RECYCLING}
vehicle_type = _numbered(choices.VehicleType)
fuel_type = _numbered(choices.FuelType)
assert len(FACILITY_KIND) == len(codes.PROCESS_TYPE.codes) and len(SITE_STATUS) == len(codes.SITE_STATE.codes)
assert len(choices.VehicleType.values) == len(codes.CAR_TYPE.codes) and len(choices.FuelType.values) == len(codes.FUEL_TYPE.codes)


def _organisation_code(name, region_code, *, required):
    """Interfaces name the operating company; the registry keys it by credit code. Prefer one in the same county.

    An unknown name is passed on where the registry needs the company (its "不存在" message then names it),
    and left out where it is optional: the record itself keeps the name in the interface archive."""
    candidates = list(Organisation.objects.filter(name=(name or "").strip()).order_by("id").values_list("code", "region_id"))
    county = (region_code or "")[:6]
    found = next((code for code, region in candidates if region.startswith(county)), None) or next((c for c, _ in candidates), None)
    return found or (name if required else None)


COMMON_SITE = {"region": "orgCode", "address": "address", "lon": "lon", "lat": "lat",
               "contact_name": "officer", "contact_phone": "officerMobile"}


def _site(kind, *, code, name, capacity="dailyDesignValue", hours=None, extra=None):
    """A mapper for one of the site interfaces: its key and name fields differ, the rest is shared."""
    copied = {**COMMON_SITE, "code": code, "name": name}
    if capacity:
        copied["capacity_tpd"] = capacity

    def derived(d):
        values = {"kind": kind(d) if callable(kind) else kind}
        if "state" in d:
            values["status"] = SITE_STATUS.get(str(d["state"]), d["state"])
        for target, source in (("has_video", "videoMonitor"), ("has_weighing", "weightMonitor")):
            if source in d:
                values[target] = _flag(d[source])
        if "operationUnit" in d:
            values["operator"] = _organisation_code(d["operationUnit"], d.get("orgCode"), required=False)
        if hours and hours in d:
            values["hours"] = d[hours]
        if "unitCode" in d:
            values["estate"] = d["unitCode"]
        return values

    return Mapper("sites", copied, derived, {"kind": extra or "", "status": "state", "has_video": "videoMonitor",
                                             "has_weighing": "weightMonitor", "operator": "operationUnit",
                                             "hours": hours or "", "estate": "unitCode"})


def _estate(d):
    values = {"is_high_rise": _flag(d.get("isHigh"))}
    if "tenementName" in d:
        values["property_company"] = _organisation_code(d["tenementName"], d.get("orgCode"), required=False)
    return values


def _vehicle(d):
    return {
        "vehicle_type": vehicle_type(d.get("carType")),
        "fuel_type": fuel_type(d.get("fuelType")),
        "hauler": _organisation_code(d.get("operationUnit"), d.get("orgCode"), required=True),
        "has_video": _flag(d.get("videoMonitor")),
    }


def _video(d):
    site_code = next((d[f] for f in VIDEO_SITE_FIELDS if d.get(f)), None)
    return {"kind": choices.DeviceKind.CAMERA, "site": site_code}



VIDEO_SITE_FIELDS = ("processCode", "dumpCode", "setPointCode", "pointCode", "stationCode", "centerCode")

MAPPERS = {
    "estate": Mapper(
        "estates",
        {"code": "unitCode", "name": "unitName", "region": "orgCode", "address": "unitAddr", "lon": "lon", "lat": "lat",
         "contact_name": "officer", "contact_phone": "officerMobile"},
        _estate, {"is_high_rise": "isHigh", "property_company": "tenementName"},
    ),
    "building": Mapper("buildings", {"code": "buildingCode", "name": "buildingName", "estate": "unitCode",
                                     "floors": "floors", "households": "households"}),
    "dwelling": Mapper("dwellings", {"code": "roomCode", "building": "buildingCode", "room_no": "roomNo",
                                     "area_m2": "area", "population": "population"}),
    "dropoff-point": _site(choices.SiteKind.DROPOFF, code="dumpCode", name="dumpName", capacity=None, hours="openTime"),
    "staging-point": _site(choices.SiteKind.STAGING, code="code", name="name"),
    "collection-point": _site(choices.SiteKind.COLLECTION, code="pointCode", name="pointName", capacity=None, hours="openTime"),
    "transfer-station": _site(choices.SiteKind.TRANSFER, code="stationCode", name="stationName"),
    "sorting-centre": _site(choices.SiteKind.SORTING, code="centerCode", name="centerName"),
    "facility": _site(lambda d: FACILITY_KIND.get(str(d.get("processType")), d.get("processType")),
                      code="processCode", name="processName", extra="processType"),
    "recycling-outlet": _site(choices.SiteKind.OUTLET, code="siteCode", name="siteName", capacity=None, hours="openTime"),
    # A village's perishable-waste station is a small perishable-waste treatment site.
    "rural-station": _site(choices.SiteKind.PERISHABLE, code="ruralCode", name="ruralName"),
    "video-device": Mapper("devices", {"code": "videoCode", "name": "name", "stream_url": "url"}, _video,
                           {"site": "/".join(VIDEO_SITE_FIELDS), "kind": "type"}),
    "vehicle": Mapper(
        "vehicles",
        {"plate": "code", "category": "trashType", "capacity_t": "loads", "region": "orgCode", "terminal_id": "gpsNo",
         "bought_on": "buyDate"},
        _vehicle, {"vehicle_type": "carType", "fuel_type": "fuelType", "hauler": "operationUnit", "has_video": "videoMonitor"},
    ),
}
