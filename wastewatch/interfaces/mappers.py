"""From an interface record (provincial field names) to a registry type's fields."""
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Mapper:
    resource: str  # registry resource slug
    key_field: str  # the record field holding the natural key, for error messages
    to_registry: Callable[[dict], dict]


def _flag(value):
    return str(value) in ("1", "true", "True")


def _estate(d):
    return {
        "code": d["unitCode"], "name": d["unitName"], "region": d["orgCode"], "address": d.get("unitAddr", ""),
        "lon": d.get("lon"), "lat": d.get("lat"), "contact_name": d.get("officer", ""), "contact_phone": d.get("officerMobile", ""),
        "is_high_rise": _flag(d.get("isHigh")),
    }


MAPPERS = {
    "estate": Mapper("estates", "unitCode", _estate),
}
