"""The simulator drives 椒江区's demo fleet through a day of planned collections, pushed through the vehicle-gps
interface as the county system does, with the weighbridge recording the intakes it weighed. Each planted anomaly
comes out as the right alert — on the vehicle's day in the API, on the compliance summary — and the ordinary
rounds raise none."""
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from wastewatch.events.models import Alert
from wastewatch.interfaces import catalogue
from wastewatch.ledger.services import movement_record
from wastewatch.registry.models import Site, Vehicle
from wastewatch.simulator.feed import fleet, live
from wastewatch.tracking import checks
from wastewatch.tracking.geometry import SHANGHAI
from wastewatch.tracking.rules import INTAKE_KINDS

from .conftest import push_fixes

pytestmark = pytest.mark.django_db


def weigh_in(runs):
    """What the weighbridges record: every delivery the fleet's day says was weighed."""
    for run in runs:
        vehicle = Vehicle.objects.get(plate=run.plate)
        for d in run.deliveries:
            if d.weighed:
                movement_record(actor=None, stage=INTAKE_KINDS[d.site_kind], occurred_at=d.arrive + timedelta(minutes=2),
                                category=run.category, net_t=d.net_t, gross_t=d.gross_t, tare_t=d.tare_t, source="demo",
                                to_site=Site.objects.get(code=d.site_code), vehicle=vehicle, check_scope=False)


@pytest.fixture
def scenario_day(jiaojiang):
    """Yesterday in 椒江区, pushed and weighed, and the after-the-fact rules run the next morning."""
    day = timezone.now().astimezone(SHANGHAI).date() - timedelta(days=1)
    start = datetime(day.year, day.month, day.day, tzinfo=SHANGHAI)
    window = live.Window(start, start + timedelta(days=1) - timedelta(seconds=1))
    records = jiaojiang.live_records(catalogue.get("vehicle-gps"), window)
    for n in range(0, len(records), 1000):
        assert push_fixes(jiaojiang, records[n:n + 1000])["rejected"] == 0
    runs = fleet.runs(jiaojiang.data, day)
    weigh_in(runs)
    next_morning = start + timedelta(days=1, hours=7)
    checks.point_results_evaluate(now=next_morning)
    checks.weighing_check(now=next_morning)
    return day, runs


def planted(runs, anomaly):
    return next(r for r in runs if anomaly in r.anomalies)


def test_each_planted_anomaly_raises_its_alert_and_ordinary_rounds_raise_none(scenario_day):
    day, runs = scenario_day
    kinds = {(a.vehicle.plate, a.kind) for a in Alert.objects.filter(source="vehicle", vehicle__plate__in=[r.plate for r in runs])
             .select_related("vehicle")}
    residual, perishable, detour = planted(runs, "skipped_point"), planted(runs, "wrong_facility"), planted(runs, "detour")
    assert (residual.plate, "missed_point") in kinds
    assert (residual.plate, "late_point") in kinds
    assert (residual.plate, "weighing_missing") in kinds
    assert (perishable.plate, "overspeed") in kinds
    assert (perishable.plate, "mixed_hauling") in kinds
    assert (detour.plate, "off_route") in kinds
    expected = {"missed_point", "late_point", "weighing_missing", "overspeed", "mixed_hauling", "off_route"}
    assert {k for _, k in kinds} <= expected | {"idle"}
    assert not [k for p, k in kinds if k in ("missed_point", "late_point") and p != residual.plate
                and not (p == perishable.plate and k == "missed_point")]  # the perishable truck's unloading point is missed too
    skipped = next(c for c in residual.calls if c.load_t == 0)
    assert Alert.objects.get(vehicle__plate=residual.plate, kind="missed_point").site.code == skipped.site_code
    last_call = [c for c in residual.calls if c.load_t > 0][-1]
    assert Alert.objects.get(vehicle__plate=residual.plate, kind="late_point").site.code == last_call.site_code


def test_the_vehicle_day_and_the_compliance_summary_show_the_plan_against_what_happened(scenario_day, county_admin, api_client):
    day, runs = scenario_day
    residual = planted(runs, "skipped_point")
    client = api_client(county_admin)
    body = client.get(f"/api/v1/tracking/vehicles/{residual.plate}/day", {"day": day.isoformat()}).json()
    statuses = [p["status"] for p in body["plan"]]
    assert statuses.count("missed") == 1 and statuses.count("late") == 1 and statuses.count("on_time") == len(statuses) - 2
    assert {a["kind"] for a in body["alerts"]} >= {"missed_point", "late_point", "weighing_missing"}
    assert len(body["stops"]) >= len([c for c in residual.calls if c.load_t > 0])
    assert all(v["duration_s"] >= 60 for v in body["visits"])
    by_hauler = client.get("/api/v1/tracking/compliance", {"day": day.isoformat(), "group": "hauler"}).json()
    by_street = client.get("/api/v1/tracking/compliance", {"day": day.isoformat(), "group": "street"}).json()
    hauler = Vehicle.objects.get(plate=residual.plate).hauler.name
    row = next(r for r in by_hauler if r["key"] == hauler)
    assert row["late"] == 1 and row["missed"] >= 1 and row["on_time_rate"] < 100
    assert sum(r["planned"] for r in by_hauler) == sum(r["planned"] for r in by_street)
    assert sum(r["missed"] for r in by_hauler) == sum(r["missed"] for r in by_street)
