"""Fixes pushed through the vehicle-gps interface: stored, the latest position moves, site visits are opened and
closed, and the streaming rules raise their alerts with the positions that prove them."""
from datetime import timedelta

import pytest

from wastewatch.events.models import Alert
from wastewatch.interfaces import catalogue
from wastewatch.interfaces.tests.conftest import signed_push
from wastewatch.simulator.feed.county import compose
from wastewatch.tracking.models import LatestPosition, PlanPoint, Position, Visit

from .conftest import east_of, gps, noon_yesterday, push_fixes, site_of, vehicle_of

pytestmark = pytest.mark.django_db


def test_a_visit_to_a_site_and_the_latest_position_show_in_the_api(jiaojiang, county_admin, api_client):
    truck, point = vehicle_of("0200"), site_of("dropoff")
    lon, lat = float(point.lon), float(point.lat)
    t0 = noon_yesterday()
    approach = [gps(truck, t0 + timedelta(seconds=10 * i), *east_of(lon, lat, 600 - 100 * i), speed=30) for i in range(5)]
    stay = [gps(truck, t0 + timedelta(seconds=50 + 10 * i), *east_of(lon, lat, 2), speed=0) for i in range(19)]
    leave = [gps(truck, t0 + timedelta(seconds=250 + 10 * i), *east_of(lon, lat, 150 + 100 * i), speed=35) for i in range(4)]
    answer = push_fixes(jiaojiang, approach + stay + leave)
    assert answer["accepted"] == 28

    assert Position.objects.filter(vehicle=truck).count() == 28
    visit = Visit.objects.get(vehicle=truck, site=point)
    assert visit.left_at is not None and 180 <= visit.duration_s <= 200

    client = api_client(county_admin)
    live = {row["plate"]: row for row in client.get("/api/v1/tracking/live").json()}
    assert live[truck.plate]["speed"] == 35 and live[truck.plate]["at"] == leave[-1]["locateTime"]
    day = client.get(f"/api/v1/tracking/vehicles/{truck.plate}/day", {"day": t0.date().isoformat()}).json()
    assert [v["site"] for v in day["visits"]] == [point.code]
    assert len(day["stops"]) == 1 and day["stops"][0]["duration_s"] >= 180
    assert len(day["fixes"]) == 28


def test_driving_past_a_site_is_not_a_visit(jiaojiang):
    truck, point = vehicle_of("0200"), site_of("dropoff")
    lon, lat = float(point.lon), float(point.lat)
    t0 = noon_yesterday()
    push_fixes(jiaojiang, [gps(truck, t0 + timedelta(seconds=5 * i), *east_of(lon, lat, -150 + 50 * i), speed=36) for i in range(7)])
    assert not Visit.objects.filter(vehicle=truck, site=point).exists()


def test_overspeed_longer_than_the_threshold_raises_one_alert_with_its_positions(jiaojiang):
    truck, point = vehicle_of("0200"), site_of("transfer")
    lon, lat = float(point.lon) + 0.02, float(point.lat) + 0.02
    t0 = noon_yesterday()
    fixes = [gps(truck, t0 + timedelta(seconds=10 * i), *east_of(lon, lat, 200 * i), speed=72 + i % 3) for i in range(8)]
    push_fixes(jiaojiang, fixes[:2])  # 10 s over the limit: not yet
    assert not Alert.objects.filter(vehicle=truck, kind="overspeed").exists()
    push_fixes(jiaojiang, fixes[2:])
    alert = Alert.objects.get(vehicle=truck, kind="overspeed")
    occurrence = alert.occurrences.get()
    assert occurrence.evidence["since"] == fixes[0]["locateTime"]
    assert [p[0] for p in occurrence.evidence["positions"]][:4] == [f["locateTime"] for f in fixes[:4]]
    assert occurrence.evidence["max_kmh"] >= 74 and alert.region_code == truck.region_id


def test_a_short_burst_of_speed_raises_nothing(jiaojiang):
    truck = vehicle_of("0200")
    t0 = noon_yesterday()
    fixes = [gps(truck, t0 + timedelta(seconds=10 * i), *east_of(121.40, 28.65, 150 * i), speed=75 if i in (2, 3) else 40) for i in range(8)]
    push_fixes(jiaojiang, fixes)
    assert not Alert.objects.filter(vehicle=truck).exists()


def test_standing_half_an_hour_during_the_shift_away_from_any_site_is_idle_but_parking_after_it_is_not(jiaojiang):
    truck = vehicle_of("0100")
    first = PlanPoint.objects.filter(plan__vehicle=truck).order_by("window_start", "seq").first()
    spot = east_of(float(first.site.lon), float(first.site.lat), 150)  # on the route, outside the point's fence
    morning = noon_yesterday().replace(hour=first.window_start.hour, minute=first.window_start.minute) - timedelta(minutes=20)
    push_fixes(jiaojiang, [gps(truck, morning + timedelta(minutes=i), *east_of(*spot, (i % 3) * 4), speed=1) for i in range(32)])
    alert = Alert.objects.get(vehicle=truck, kind="idle")
    assert alert.occurrences.get().evidence["since"] == gps(truck, morning, 0, 0)["locateTime"]
    parked = noon_yesterday().replace(hour=3)
    push_fixes(jiaojiang, [gps(truck, parked + timedelta(minutes=i), *spot, speed=0, n=1) for i in range(45)])
    assert Alert.objects.filter(vehicle=truck, kind="idle").count() == 1


def test_a_late_fix_is_stored_but_does_not_move_the_vehicle_back(jiaojiang):
    truck = vehicle_of("0200")
    t0 = noon_yesterday()
    push_fixes(jiaojiang, [gps(truck, t0 + timedelta(minutes=5), 121.40, 28.65, speed=20)])
    push_fixes(jiaojiang, [gps(truck, t0, 121.41, 28.66, speed=20)])
    assert Position.objects.filter(vehicle=truck).count() == 2
    assert LatestPosition.objects.get(vehicle=truck).at == t0 + timedelta(minutes=5)


def test_a_repeated_batch_changes_nothing(jiaojiang):
    truck = vehicle_of("0200")
    t0 = noon_yesterday()
    records = [gps(truck, t0 + timedelta(seconds=10 * i), *east_of(121.40, 28.65, 200 * i), speed=80) for i in range(6)]
    push_fixes(jiaojiang, records)
    push_fixes(jiaojiang, records)
    assert Position.objects.filter(vehicle=truck).count() == 6
    assert Alert.objects.get(vehicle=truck, kind="overspeed").count == 1


def test_the_reported_operation_figures_keep_the_latest_of_the_day(jiaojiang, county_admin, api_client):
    truck = vehicle_of("0200")
    day = noon_yesterday().date()
    spec = catalogue.get("vehicle-operation")

    def report(n, trips, weight):
        row = {"orgCode": truck.region_id, "code": truck.plate, "workDate": day.isoformat(), "tripCount": trips, "weight": weight,
               "mileage": 12.5 * trips, "workDuration": 1.5 * trips, "pointCount": 4 * trips}
        answer = signed_push((jiaojiang.client, jiaojiang.secret), "vehicle-operation",
                             [{**compose(spec, row), "uid": f"op-{n}", "operation": "I"}])
        assert answer.status_code == 200 and answer.json()["rejected"] == 0

    report(1, 1, 3.2)
    report(2, 2, 6.9)
    body = api_client(county_admin).get(f"/api/v1/tracking/vehicles/{truck.plate}/day", {"day": day.isoformat()}).json()
    assert body["reported"] == {"trips": 2, "weight_t": 6.9, "mileage_km": 25.0, "work_hours": 3.0, "points": 8}
