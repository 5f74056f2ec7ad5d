"""The rules judged after the fact, by the minute: offline during a shift, weighing missing once the intake data has
had its time to arrive, and intakes by unregistered vehicles — each raised once, with its evidence."""
from datetime import timedelta

import pytest

from wastewatch.events.models import Alert
from wastewatch.ledger.services import movement_record
from wastewatch.tracking import checks
from wastewatch.tracking.models import Position, Visit

from .conftest import east_of, gps, noon_yesterday, push_fixes, site_of, vehicle_of

pytestmark = pytest.mark.django_db


def test_a_vehicle_silent_during_its_shift_is_offline_once_per_silence(jiaojiang):
    reporting, silent = vehicle_of("0200"), vehicle_of("0100")
    morning = noon_yesterday().replace(hour=6, minute=55)
    push_fixes(jiaojiang, [gps(reporting, morning, 121.40, 28.65, speed=20)])
    checks.offline_check(now=morning + timedelta(minutes=5))
    assert not Alert.objects.filter(vehicle=reporting, kind="offline").exists()
    alert = Alert.objects.get(vehicle=silent, kind="offline")
    assert alert.occurrences.get().evidence["last_fix_at"] is None
    checks.offline_check(now=morning + timedelta(minutes=6))
    assert Alert.objects.get(vehicle=silent, kind="offline").occurrences.count() == 1  # the same silence
    checks.offline_check(now=morning + timedelta(minutes=25))
    late = Alert.objects.get(vehicle=reporting, kind="offline").occurrences.get()
    assert late.evidence["last_fix_at"] == gps(reporting, morning, 0, 0)["locateTime"]


def test_offline_is_not_judged_outside_the_shift(jiaojiang):
    checks.offline_check(now=noon_yesterday().replace(hour=3))
    assert not Alert.objects.filter(kind="offline").exists()


def _visit(system, truck, site, start, *, drive_in=True):
    lon, lat = float(site.lon), float(site.lat)
    fixes = [gps(truck, start - timedelta(seconds=60), *east_of(lon, lat, 3000), speed=30)] if drive_in else []
    fixes += [gps(truck, start + timedelta(seconds=30 * i), *east_of(lon, lat, 5), speed=0) for i in range(10)]
    fixes.append(gps(truck, start + timedelta(seconds=330), *east_of(lon, lat, 3000), speed=30))
    push_fixes(system, fixes)


def test_weighing_missing_is_judged_after_the_grace_and_a_weighed_visit_passes(jiaojiang):
    truck, station = vehicle_of("0200"), site_of("transfer")
    t0 = noon_yesterday() - timedelta(hours=6)
    _visit(jiaojiang, truck, station, t0)
    _visit(jiaojiang, truck, station, t0 + timedelta(hours=2))
    movement_record(actor=None, stage="transfer_in", occurred_at=t0 + timedelta(hours=2, minutes=3), category="0200", net_t=3.2,
                    gross_t=12.8, tare_t=9.6, source="demo", to_site=station, vehicle=truck, check_scope=False)
    assert checks.weighing_check(now=t0 + timedelta(hours=3)) == 0  # within the grace: the data may still come
    assert checks.weighing_check(now=t0 + timedelta(hours=9)) == 1
    alert = Alert.objects.get(kind="weighing_missing", vehicle=truck)
    assert alert.site == station and alert.occurrences.get().evidence["entered_at"] == gps(truck, t0, 0, 0)["locateTime"]
    assert not Visit.objects.filter(weighing_checked=False, site=station).exists()
    assert checks.weighing_check(now=t0 + timedelta(hours=10)) == 0


def test_a_truck_first_seen_parked_in_a_yard_owes_no_weighing(jiaojiang):
    truck, station = vehicle_of("0100"), site_of("transfer")
    t0 = noon_yesterday() - timedelta(hours=9)
    _visit(jiaojiang, truck, station, t0, drive_in=False)
    assert checks.weighing_check(now=t0 + timedelta(hours=9)) == 0
    assert not Visit.objects.get(vehicle=truck, site=station).arrived


def test_an_intake_by_an_unregistered_vehicle_raises_once(db):
    plant = site_of("incineration")
    at = noon_yesterday()
    movement_record(actor=None, stage="facility_in", occurred_at=at, category="0200", net_t=5.1, source="demo", to_site=plant,
                    plate="浙J9Z999", from_label="外来车辆", check_scope=False)
    assert checks.unregistered_check(now=at + timedelta(hours=1)) == 1
    assert checks.unregistered_check(now=at + timedelta(hours=2)) == 0
    alert = Alert.objects.get(kind="unregistered_vehicle")
    assert alert.site == plant and "浙J9Z999" in alert.title


def test_fixes_past_their_retention_are_dropped_a_day_at_a_time(jiaojiang, settings):
    truck = vehicle_of("0200")
    t0 = noon_yesterday()
    push_fixes(jiaojiang, [gps(truck, t0 - timedelta(days=d), 121.40, 28.65, speed=10) for d in (0, 3, 4, 10)])
    settings.TRACKING_RETENTION_DAYS = 3
    assert checks.positions_purge(now=t0) == 2
    assert sorted(Position.objects.filter(vehicle=truck).values_list("day", flat=True)) == [(t0 - timedelta(days=d)).date() for d in (3, 0)]
