"""The drill-down map below the county: streets (and a street's communities) as indicative areas derived from where
their estates and sites are, inside the real county boundary, labelled as such; scoped like every read."""
import pytest
from shapely.geometry import Point, shape
from shapely.ops import unary_union

from wastewatch.core.geo import county_geometry
from wastewatch.registry.models import Estate, Region

pytestmark = pytest.mark.django_db
JIAOJIANG = "331002000000"


def _areas(client, region):
    response = client.get(f"/api/v1/cockpit/areas?region={region}")
    assert response.status_code == 200, response.content
    body = response.json()
    return body, {f["properties"]["code"]: shape(f["geometry"]) for f in body["features"]}


def test_a_countys_streets_tile_its_real_boundary_and_hold_their_own_estates(api_client, county_admin):
    body, areas = _areas(api_client(county_admin), JIAOJIANG)
    streets = set(Region.objects.filter(parent_id=JIAOJIANG, level="street").values_list("code", flat=True))
    assert "示意范围" in body["note"] and all(f["properties"]["indicative"] for f in body["features"])
    assert len(areas) >= 2 and set(areas) <= streets
    county = county_geometry("331002")
    union = unary_union(list(areas.values()))
    assert union.symmetric_difference(county).area < county.area * 0.01  # the streets cover the county, and no more
    assert sum(a.area for a in areas.values()) == pytest.approx(union.area, rel=0.01)  # without overlapping
    for estate in Estate.objects.filter(region__code__startswith="331002", lon__isnull=False)[:40]:
        street = estate.region_id[:9] + "000"
        if county.contains(Point(float(estate.lon), float(estate.lat))):
            assert areas[street].buffer(0.001).contains(Point(float(estate.lon), float(estate.lat))), estate.name


def test_a_streets_communities_divide_the_streets_area(api_client, city_admin):
    client = api_client(city_admin)
    _, streets = _areas(client, JIAOJIANG)
    code, street_area = max(streets.items(), key=lambda kv: kv[1].area)
    body, communities = _areas(client, code)
    assert communities and all(c.startswith(code[:9]) for c in communities)
    assert unary_union(list(communities.values())).symmetric_difference(street_area).area < street_area.area * 0.02


def test_areas_outside_the_callers_county_are_404(api_client, county_admin, no_permission_user):
    assert api_client(county_admin).get("/api/v1/cockpit/areas?region=331003000000").status_code == 404
    assert api_client(no_permission_user).get(f"/api/v1/cockpit/areas?region={JIAOJIANG}").status_code == 403
