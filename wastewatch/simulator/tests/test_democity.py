"""The demo city: well-formed nested codes, locations inside the right county, idempotent loading."""
import pytest
from shapely.geometry import Point

from wastewatch.core.geo import county_geometry
from wastewatch.registry.models import Estate, Region, Site, Vehicle
from wastewatch.simulator.democity import DemoCity

pytestmark = pytest.mark.django_db


def test_region_codes_nest():
    for region in Region.objects.filter(level__in=["street", "community"]).select_related("parent"):
        digits = 6 if region.level == "street" else 9
        assert len(region.code) == 12 and region.code.isdigit()
        assert region.code[:digits] == region.parent.code[:digits]
    assert Region.objects.get(code="331099000000").is_official is False
    assert Region.objects.filter(level="county").count() == 10


def test_locations_lie_inside_their_county():
    for estate in Estate.objects.exclude(region__code__startswith="331099")[:40]:
        assert county_geometry(estate.region_id[:6]).contains(Point(float(estate.lon), float(estate.lat))), estate.code
    for site in Site.objects.filter(kind="transfer").exclude(region__code__startswith="331099"):
        assert county_geometry(site.region_id[:6]).contains(Point(float(site.lon), float(site.lat)))


def test_entity_codes_start_with_their_region():
    assert all(e.code.startswith(e.region_id) for e in Estate.objects.all())
    assert all(s.code.startswith(s.region_id) for s in Site.objects.all()[:300])


def test_loading_again_adds_nothing():
    counts = (Estate.objects.count(), Site.objects.count(), Vehicle.objects.count(), Region.objects.count())
    DemoCity("small").load()
    assert (Estate.objects.count(), Site.objects.count(), Vehicle.objects.count(), Region.objects.count()) == counts
