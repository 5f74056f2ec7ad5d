"""Fixtures of the tracking tests: 椒江区's county system with its vehicles pushed, and fixes pushed through the
signed vehicle-gps interface, as a county system sends them."""
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from wastewatch.interfaces import catalogue
from wastewatch.interfaces.tests.conftest import signed_push
from wastewatch.registry.models import Site, Vehicle
from wastewatch.simulator.feed.county import CountySystem, compose
from wastewatch.simulator.feed.scenario import LIVE
from wastewatch.tracking.geometry import SHANGHAI

JIAOJIANG = "331002"


@pytest.fixture
def jiaojiang(db):
    """椒江区's county system, its vehicles already pushed (a fix must name a vehicle the interface knows)."""
    system = CountySystem(JIAOJIANG, part=LIVE)
    system.load()
    system.ensure_client()
    answer = signed_push((system.client, system.secret), "vehicle", system.base_records(catalogue.get("vehicle"), timezone.now()))
    assert answer.status_code == 200, answer.content
    return system


def noon_yesterday() -> datetime:
    """A moment outside every demo plan's shift (morning and evening rounds), so only the rule under test fires."""
    day = timezone.now().astimezone(SHANGHAI).date() - timedelta(days=1)
    return datetime(day.year, day.month, day.day, 12, 0, tzinfo=SHANGHAI)


def gps(vehicle: Vehicle, at: datetime, lon: float, lat: float, speed: float = 0.0, heading: int = 0, n: int = 0) -> dict:
    row = {"orgCode": vehicle.region_id, "code": vehicle.plate, "gpsNo": vehicle.terminal_id,
           "locateTime": at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S"), "locateType": "3",
           "lon": f"{lon:.6f}", "lat": f"{lat:.6f}", "coordSystem": "WGS84", "speed": speed, "direction": heading}
    return {**compose(catalogue.get("vehicle-gps"), row), "uid": f"t-{vehicle.plate}-{at.timestamp():.0f}-{n}", "operation": "I"}


def push_fixes(system, records):
    answer = signed_push((system.client, system.secret), "vehicle-gps", records)
    assert answer.status_code == 200, answer.content
    return answer.json()


def site_of(kind: str, county: str = JIAOJIANG) -> Site:
    return Site.objects.filter(kind=kind, region__code__startswith=county, is_active=True).order_by("code").first()


def vehicle_of(category: str, county: str = JIAOJIANG) -> Vehicle:
    return Vehicle.objects.filter(region__code__startswith=county, category_id=category).order_by("plate").first()


def east_of(lon: float, lat: float, metres: float) -> tuple[float, float]:
    from wastewatch.tracking.geometry import m_per_deg_lon

    return lon + metres / m_per_deg_lon(lat), lat
