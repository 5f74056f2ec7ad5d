"""The tracking API and pages: scope (another county's vehicle is 404, a hauler sees its own fleet), plans and
geofences written through the services with their audit rows and clear refusals, the live stream and the pages."""
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync

from wastewatch.core.models import AuditRecord
from wastewatch.tracking.models import CollectionPlan, Visit

from .conftest import east_of, gps, noon_yesterday, push_fixes, site_of, vehicle_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def moving_truck(jiaojiang):
    truck = vehicle_of("0200")
    t0 = noon_yesterday()
    push_fixes(jiaojiang, [gps(truck, t0 + timedelta(seconds=10 * i), *east_of(121.40, 28.65, 100 * i), speed=36) for i in range(6)])
    return truck


def test_another_countys_vehicle_is_not_found(moving_truck, api_client, django_user_model):
    huangyan = django_user_model.objects.get(username="huangyan_admin")
    client = api_client(huangyan)
    answer = client.get(f"/api/v1/tracking/vehicles/{moving_truck.plate}/day")
    assert answer.status_code == 404 and "不在您的数据权限范围内" in answer.json()["message"]
    assert moving_truck.plate not in {r["plate"] for r in client.get("/api/v1/tracking/live").json()}


def test_a_hauler_sees_only_its_own_fleet(moving_truck, hauler_user, api_client):
    client = api_client(hauler_user)
    plates = {r["plate"] for r in client.get("/api/v1/tracking/live").json()}
    assert plates == ({moving_truck.plate} if moving_truck.hauler_id == hauler_user.organisation_id else set())
    other = vehicle_of("0200", "331003")
    assert client.get(f"/api/v1/tracking/vehicles/{other.plate}/day").status_code == 404


def test_without_the_permission_the_api_refuses(moving_truck, no_permission_user, api_client):
    assert api_client(no_permission_user).get("/api/v1/tracking/live").status_code == 403


def test_a_plan_is_created_audited_and_bad_points_are_named(city_admin, api_client):
    client = api_client(city_admin)
    truck, a, b = vehicle_of("0200"), site_of("dropoff"), site_of("transfer")
    created = client.post("/api/v1/tracking/plans", {"vehicle": truck.plate, "name": "试行计划", "weekdays": "135", "points": [
        {"site": a.code, "window_start": "06:30", "window_end": "07:00"},
        {"site": b.code, "window_start": "07:30", "window_end": "08:30"}]}, content_type="application/json")
    assert created.status_code == 201, created.content
    plan = CollectionPlan.objects.get(pk=created.json()["id"])
    assert [p["site"] for p in created.json()["points"]] == [a.code, b.code]
    assert AuditRecord.objects.filter(object_pk=str(plan.pk), action="create", content_type__model="collectionplan").exists()
    bad = client.put(f"/api/v1/tracking/plans/{plan.pk}", {"vehicle": truck.plate, "name": "试行计划", "weekdays": "19", "points": [
        {"site": "331002999999999999", "window_start": "06:30", "window_end": "07:00"},
        {"site": b.code, "window_start": "09:00", "window_end": "08:00"}]}, content_type="application/json")
    assert bad.status_code == 400
    assert bad.json()["details"] == [{"field": "weekdays", "reason": "应为 1–7 的数字组合，1 表示周一，例如 12345"}]
    bad = client.put(f"/api/v1/tracking/plans/{plan.pk}", {"vehicle": truck.plate, "name": "试行计划", "weekdays": "12345", "points": [
        {"site": "331002999999999999", "window_start": "06:30", "window_end": "07:00"},
        {"site": b.code, "window_start": "09:00", "window_end": "08:00"}]}, content_type="application/json")
    assert [(d["index"], d["field"]) for d in bad.json()["details"]] == [(0, "site"), (1, "window_end")]
    assert CollectionPlan.objects.get(pk=plan.pk).points.count() == 2  # nothing half-written
    off = client.post(f"/api/v1/tracking/plans/{plan.pk}/active", {"is_active": False}, content_type="application/json")
    assert off.json()["is_active"] is False


def test_a_polygon_fence_changes_what_counts_as_a_visit(jiaojiang, city_admin, api_client):
    truck, site = vehicle_of("0200"), site_of("transfer")
    lon, lat = float(site.lon), float(site.lat)
    square = [[lon - 0.005, lat - 0.005], [lon + 0.005, lat - 0.005], [lon + 0.005, lat + 0.005], [lon - 0.005, lat + 0.005]]
    client = api_client(city_admin)
    assert client.put(f"/api/v1/tracking/geofences/{site.code}", {"shape": "polygon", "polygon": square[:2]},
                      content_type="application/json").json()["details"][0]["field"] == "polygon"
    answer = client.put(f"/api/v1/tracking/geofences/{site.code}", {"shape": "polygon", "polygon": square}, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["shape"] == "polygon"
    t0 = noon_yesterday()
    # 400 m east of the station: outside its default 200 m circle, inside the 1 km square.
    push_fixes(jiaojiang, [gps(truck, t0 + timedelta(seconds=30 * i), *east_of(lon, lat, 400), speed=0) for i in range(6)])
    assert Visit.objects.get(vehicle=truck).site == site


async def _read_all(stream) -> bytes:
    return b"".join([chunk async for chunk in stream])


def test_the_live_stream_sends_positions_as_server_sent_events(moving_truck, page_client, county_admin):
    response = page_client(county_admin).get("/tracking/live/stream", {"seconds": 0})
    assert response["Content-Type"] == "text/event-stream"
    body = async_to_sync(_read_all)(response.streaming_content).decode()
    assert "event: positions" in body and moving_truck.plate in body


def test_the_pages_render_for_a_county_and_refuse_without_permission(moving_truck, page_client, county_admin, no_permission_user):
    client = page_client(county_admin)
    for url in ("/tracking/", f"/tracking/?plate={moving_truck.plate}", "/tracking/compliance/?group=street", "/tracking/plans/"):
        assert client.get(url).status_code == 200, url
    assert moving_truck.plate in client.get("/tracking/").content.decode()
    assert page_client(no_permission_user).get("/tracking/").status_code == 403
