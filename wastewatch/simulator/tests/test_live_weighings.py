"""The fleet's day and the weighbridges agree: what the county systems push in a round — the trucks' fixes and the
stations' and plants' weighings, both built from the same day (fleet.py, chain.py) — leaves exactly one visit
unweighed, the planted "unweighed delivery" of 椒江区; and a weighing the platform refused goes again with the next
push, so a bad record does not turn into a truck that was never weighed."""
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from wastewatch.events.models import Alert
from wastewatch.interfaces import catalogue
from wastewatch.interfaces.models import InterfaceRecord
from wastewatch.interfaces.push import business_key
from wastewatch.simulator.feed import chain, fleet, live
from wastewatch.simulator.feed.county import CountySystem, Tally, is_base
from wastewatch.simulator.feed.scenario import LIVE, CountyPart
from wastewatch.simulator.feed.transport import InProcessTransport
from wastewatch.simulator.feed.values import SHANGHAI
from wastewatch.tracking import checks

pytestmark = pytest.mark.django_db

JIAOJIANG = "331002"
WEIGHINGS = ("transfer-job", "sorting-intake", "facility-intake")


def yesterday():
    day = timezone.now().astimezone(SHANGHAI).date() - timedelta(days=1)
    return day, datetime(day.year, day.month, day.day, tzinfo=SHANGHAI)


def system_of(county6, part=LIVE):
    system = CountySystem(county6, part=part)
    system.load()
    system.ensure_client()
    return system


def push(system, spec_code, records, at):
    tally = Tally()
    system.push(InProcessTransport(at), catalogue.get(spec_code), records, tally)
    return tally


def push_base(systems, at):
    for system in systems:
        for spec in system.specs:
            if is_base(spec):
                push(system, spec.code, system.base_records(spec, at), at)


def test_a_round_of_jiaojiang_leaves_only_the_planted_delivery_unweighed(db):
    day, start = yesterday()
    window = live.Window(start, start + timedelta(days=1) - timedelta(seconds=1))
    jiaojiang = system_of(JIAOJIANG)
    runs = fleet.runs(jiaojiang.data, day)
    # The plants of other counties its trucks unload at report their own weighbridges (the hazardous-waste centre).
    counties = {JIAOJIANG} | {d.site_code[:6] for r in runs for d in r.deliveries}
    systems = [jiaojiang] + [system_of(c) for c in sorted(counties - {JIAOJIANG})]
    push_base(systems, window.end)
    for system in systems[1:]:
        for code in WEIGHINGS:
            assert push(system, code, system.live_records(catalogue.get(code), window), window.end).total("rejected") == 0
    for spec in jiaojiang.specs:  # everything 椒江's system sends in a round: fixes, weighings, its own vehicle alerts
        if not is_base(spec):
            assert push(jiaojiang, spec.code, jiaojiang.live_records(spec, window), window.end).total("rejected") == 0

    checks.weighing_check(now=window.end + timedelta(hours=7))

    planted = next(r for r in runs if "weighing_missing" in r.anomalies)
    unweighed = next(d for d in planted.deliveries if not d.weighed)
    raised = [(a.vehicle.plate, a.site.code if a.site else None) for a in Alert.objects.filter(kind="weighing_missing").select_related("vehicle", "site")]
    assert raised == [(planted.plate, unweighed.site_code)]


def test_a_weighing_the_platform_refused_goes_again_with_the_next_push(db):
    day, start = yesterday()
    morning = live.Window(start, start + timedelta(hours=20, minutes=30))
    afternoon = live.Window(morning.end, start + timedelta(hours=23))
    spec = catalogue.get("transfer-job")
    sent = chain.events_for(system_of(JIAOJIANG).data, spec.code, morning.start, morning.end)
    assert sent, "the demo's rounds unload at 椒江's transfer stations"
    faulty = system_of(JIAOJIANG, CountyPart("拒收", bad_rate={spec.code: 1.0}))  # every record of the day spoiled
    push_base([faulty], morning.end)
    assert push(faulty, spec.code, faulty.live_records(spec, morning), morning.end).total("rejected") >= len(sent)
    keys = [business_key(spec, r) for r in sent]
    assert not InterfaceRecord.objects.filter(interface=spec.code, key__in=keys).exists()

    healthy = system_of(JIAOJIANG)
    assert push(healthy, spec.code, healthy.live_records(spec, afternoon), afternoon.end).total("rejected") == 0
    assert InterfaceRecord.objects.filter(interface=spec.code, key__in=keys).count() == len(set(keys))
