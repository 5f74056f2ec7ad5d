"""Every indicator of the catalogue, for Taizhou and for 椒江区, over days the simulator's own chain played through
the real interfaces (chain.play_day: drop-off, collection, transfer, sorting, treatment, outputs, manifests), equals
the catalogue's formula worked out by hand in this file from the rows themselves: Movement for the tonnages, Alert and
AlertOccurrence, Inspection, PointResult and WorkOrder for the indicators built on them.

A whole simulated year is too slow for the suite (about 3 s a day on the small city): three days spread over 2024,
one each in February, July and November, stand for it; the figures are checked for the year 2024 and for July.
On those days, beside the chain, the events a city sees are made through their real services: camera alerts of mixed
drop-off at points, one of them judged a false positive, patrol check-ins (one point failing an item), and a
collection plan with one point served and one missed.

Indicators without data here, and why:
- industrial / construction / agricultural utilisation and hazardous safe-treatment rates: the chain moves household
  waste only; its one generator transfer is a hospital's medical waste under a manifest (category HW01, not the
  catalogue's 11xx hazardous-waste stream), so all four are None, as the hand computation also says.
- work-order closure: a work order is stamped with the clock when dispatched, so none falls on a played day; it is
  checked for the current month instead, on work orders dispatched here for the chain's alerts (one closed).
- data-flow score: not a ledger or events figure; it is the interfaces app's per-county score (tested there), and
  here only shown to be the mean of the counties' scores."""
import io
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.utils import timezone

from wastewatch.ledger.models import Movement
from wastewatch.registry.models import Estate, Site, Vehicle

from .conftest import JIAOJIANG, plan_day_play

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAYS = (date(2024, 2, 14), date(2024, 7, 10), date(2024, 11, 5))
CITY = "331000000000"
PLACES = [(CITY, "3310"), (JIAOJIANG + "000000", JIAOJIANG)]
WINDOWS = [("year", "2024", date(2024, 1, 1), date(2025, 1, 1)), ("month", "2024-07", date(2024, 7, 1), date(2024, 8, 1))]
HOUSEHOLD = ("01", "02", "03")
TREATMENT = ("incineration", "landfill", "perishable", "hazardous", "recycling")
VIOLATIONS = ("littering", "mixed_dropoff", "bag_outside", "off_hours", "illegal_dumping")
NO_DATA_HERE = {"industrial_utilisation_rate", "construction_utilisation_rate", "agricultural_utilisation_rate",
                "hazardous_safe_rate", "work_order_closure_rate", "data_flow_score"}


def _photo() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (90, 140, 60)).save(buf, format="PNG")
    return buf.getvalue()


def _events_of_the_day(actor, day, points, photo):
    """What the chain does not play: camera alerts and patrol check-ins at points of two counties."""
    from wastewatch.events.choices import AlertKind, AlertSource
    from wastewatch.events.services import alert_raise
    from wastewatch.events.services.inspections import checklist_for, inspection_checkin

    nine = datetime.combine(day, time(9, 0), SHANGHAI)
    alerts = []
    for n, point in enumerate(points):
        alerts.append(alert_raise(actor=actor, kind=AlertKind.MIXED_DROPOFF, source=AlertSource.CAMERA, at=nine + timedelta(minutes=n),
                                  title="混合投放", site=point, source_ref=f"chain-test:{point.pk}:{day}"))
        answers = {i["code"]: not (n == 0 and k == 0) for k, i in enumerate(checklist_for(point).items)}
        inspection_checkin(actor=actor, site=point, lon=float(point.lon), lat=float(point.lat), photo=photo, answers=answers,
                           at=nine + timedelta(hours=1, minutes=n))
    return alerts


def _plan_day(actor, day):
    """A collection plan of 椒江区: one point served, one missed."""
    served, skipped = Site.objects.filter(kind="dropoff", region__code__startswith=JIAOJIANG).order_by("code")[:2]
    vehicle = Vehicle.objects.filter(region__code__startswith=JIAOJIANG).order_by("plate").first()
    plan_day_play(actor, day=day, vehicle=vehicle, served=served, skipped=skipped)


def _work_orders(actor, alerts):
    """Two of the chain's alerts dispatched now: one carried through to approval, one left open."""
    from wastewatch.events.services import workorders as wo

    done, left = (wo.work_order_for_alert(actor=actor, alert=a) for a in alerts[:2])
    wo.work_order_accept(actor=actor, order=done)
    wo.work_order_start(actor=actor, order=done)
    wo.work_order_report(actor=actor, order=done, comment="已整改", photos=[_photo()])
    wo.work_order_approve(actor=actor, order=done)
    return done, left


@pytest.fixture(scope="module")
def chain_days(django_db_setup, django_db_blocker):
    """The played days, inside one transaction rolled back after this module: the rest of the suite never sees them
    (each test still runs in its own savepoint)."""
    from wastewatch.accounts.models import User
    from wastewatch.events.services import alert_set_status
    from wastewatch.reports.refresh import aggregates_refresh
    from wastewatch.simulator.feed import chain

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            actor = User.objects.select_related("role", "region").get(username="city_admin")
            points = [p for county in (JIAOJIANG, "331003") for p in Site.objects.filter(
                kind="dropoff", region__code__startswith=county, estate__isnull=False).order_by("code")[:2]]
            photo, alerts = _photo(), []
            for day in DAYS:
                result = chain.play_day(day)
                assert result["rejected"] == 0, result["reasons"]
                alerts += _events_of_the_day(actor, day, points, photo)
            alert_set_status(actor=actor, alert=alerts[-1], status="false_positive", note="误报")
            _plan_day(actor, DAYS[1])
            orders = _work_orders(actor, alerts)
            aggregates_refresh()
            yield {"orders": orders}
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# -- the hand computation -----------------------------------------------------------------------------------------

def _pct(num, den):
    return None if not den else float(num) / float(den) * 100


def _expected(prefix, start, end):
    """The catalogue's formulas, written out over the rows of [start, end) attributed to the place."""
    from wastewatch.events.models import Alert, AlertOccurrence, Inspection
    from wastewatch.reports.models import Factor
    from wastewatch.tracking.models import PointResult

    lo, hi = datetime.combine(start, time.min, SHANGHAI), datetime.combine(end, time.min, SHANGHAI)
    rows = list(Movement.objects.filter(day__gte=start, day__lt=end, origin_code__startswith=prefix)
                .values("stage", "category_id", "net_t", "to_site__kind", "from_site__kind"))

    def tonnes(stages, cats, to=None, not_from=None):
        return sum((r["net_t"] for r in rows if r["stage"] in stages and r["category_id"][:2] in cats
                    and (to is None or r["to_site__kind"] in to) and (not_from is None or r["from_site__kind"] != not_from)), Decimal(0))

    R = tonnes(("sorting_in",), ("04",)) + tonnes(("facility_in",), ("04",), to=("recycling",), not_from="sorting")
    P = tonnes(("facility_in",), ("01",), to=("perishable",))
    C = tonnes(("facility_in",), HOUSEHOLD, to=TREATMENT)
    I = tonnes(("facility_in",), HOUSEHOLD, to=("incineration",))
    L = tonnes(("facility_in",), HOUSEHOLD, to=("landfill",))
    S_all = tonnes(("collection", "pickup"), ("01", "02", "03", "04"))
    S_household = tonnes(("collection", "pickup"), HOUSEHOLD)
    G = C + R
    k = {f.code: f.value for f in Factor.objects.filter(group="rate")}
    days = (end - start).days
    estates = Estate.objects.filter(region__code__startswith=prefix, is_active=True)
    population, households = sum(e.population for e in estates), sum(e.households for e in estates)
    dropoffs = Site.objects.filter(region__code__startswith=prefix, kind="dropoff", is_active=True).count()
    # Facility usage counts a drop-off point once a day, by where the point is (not where its waste came from).
    used = len(set(Movement.objects.filter(day__gte=start, day__lt=end, stage__in=("collection", "pickup"), from_site__kind="dropoff",
                                           from_site__region__code__startswith=prefix).values_list("day", "from_site_id")))
    inspections = list(Inspection.objects.filter(at__gte=lo, at__lt=hi, region_code__startswith=prefix).values_list("score", "problems"))
    occurrences = AlertOccurrence.objects.filter(at__gte=lo, at__lt=hi, alert__region_code__startswith=prefix)
    violations = occurrences.filter(alert__kind__in=VIOLATIONS).count()
    alerts = Alert.objects.filter(first_at__gte=lo, first_at__lt=hi, region_code__startswith=prefix)
    plan = list(PointResult.objects.filter(day__gte=start, day__lt=end, region_code__startswith=prefix).values_list("status", flat=True))
    return {
        "generated_t": float(G),
        "recycling_rate": _pct(R + P, G),
        "recovery_rate": _pct(R + k["k_incineration"] * I + k["k_perishable"] * P + k["k_landfill"] * L, G),
        "safe_treatment_rate": _pct(C, S_household),
        "landfill_share": _pct(L, G),
        "perishable_share": _pct(tonnes(("collection", "pickup"), ("01",)), S_all),
        "recyclable_share": _pct(tonnes(("collection", "pickup"), ("04",)), S_all),
        "per_capita_kg": float(G) * 1000 / population / days if population else None,
        "sorting_accuracy": None if not inspections else float(sum(s for s, _ in inspections)) / len(inspections),
        "dropoff_accuracy": _pct(sum(1 for _, p in inspections if p == 0), len(inspections)),
        "dropoff_violations": violations * 1000 / households / days * 30 if households else None,
        "facility_usage_rate": _pct(used, dropoffs * days),
        "collection_on_time_rate": _pct(plan.count("on_time"), len(plan)),
        "alert_closure_rate": _pct(alerts.filter(status__in=("resolved", "false_positive")).count(), alerts.count()),
        "industrial_utilisation_rate": None, "construction_utilisation_rate": None, "agricultural_utilisation_rate": None,
        "hazardous_safe_rate": None,
    }


def _same(got: dict, expected: dict) -> dict:
    """The indicators whose shown value (rounded to 2 or 3 places) is not the hand computation's."""
    wrong = {}
    for code, value in expected.items():
        if value is None or got[code] is None:
            if value is not got[code]:
                wrong[code] = (got[code], value)
        elif abs(got[code] - value) > 0.0051:
            wrong[code] = (got[code], value)
    return wrong


@pytest.mark.django_db
@pytest.mark.parametrize("region,prefix", PLACES)
def test_every_indicator_over_the_played_days_matches_the_hand_computation(chain_days, api_client, city_admin, region, prefix):
    from wastewatch.reports.catalogue import BY_CODE

    client = api_client(city_admin)
    assert set(BY_CODE) == set(_expected(prefix, date(2024, 1, 1), date(2025, 1, 1))) | {"work_order_closure_rate", "data_flow_score"}
    for period, at, start, end in WINDOWS:
        got = client.get(f"/api/v1/reports/indicators?region={region}&period={period}&at={at}").json()["values"]
        expected = _expected(prefix, start, end)
        assert _same(got, expected) == {}, (period, at)
        has_data = {code for code, v in expected.items() if v is not None}
        assert has_data == set(BY_CODE) - NO_DATA_HERE
        assert expected["generated_t"] > 1 and expected["alert_closure_rate"] < 100


@pytest.mark.django_db
def test_the_work_order_closure_rate_counts_this_months_dispatched_orders(chain_days, api_client, city_admin):
    from wastewatch.events.models import WorkOrder

    today = timezone.localdate()
    client = api_client(city_admin)
    for region, prefix in PLACES:
        got = client.get(f"/api/v1/reports/indicators?region={region}&period=month&at={today:%Y-%m}").json()["values"]
        month = WorkOrder.objects.filter(is_drill=False, region_code__startswith=prefix, dispatched_at__gte=datetime.combine(
            today.replace(day=1), time.min, SHANGHAI))
        assert month.filter(pk__in=[o.pk for o in chain_days["orders"]]).count() == 2
        assert got["work_order_closure_rate"] == pytest.approx(
            month.filter(status__in=("approved", "closed")).count() / month.count() * 100, abs=0.0051)


@pytest.mark.django_db
def test_the_data_flow_score_is_the_mean_of_the_county_scores(chain_days, api_client, city_admin):
    client = api_client(city_admin)
    counties = client.get("/api/v1/reports/indicators/children?period=month&at=2024-07").json()
    scores = [client.get(f"/api/v1/reports/indicators?region={c['code']}&period=month&at=2024-07").json()["values"]["data_flow_score"]
              for c in counties]
    city = client.get(f"/api/v1/reports/indicators?region={CITY}&period=month&at=2024-07").json()["values"]["data_flow_score"]
    assert all(s is not None for s in scores)
    assert city == pytest.approx(sum(scores) / len(scores), abs=0.051)


@pytest.mark.django_db
def test_each_street_of_the_county_matches_its_own_hand_computation(chain_days, api_client, city_admin):
    streets = api_client(city_admin).get(f"/api/v1/reports/indicators/children?region={JIAOJIANG}000000&period=year&at=2024").json()
    assert len(streets) >= 2
    for street in streets:
        expected = _expected(street["code"][:9], date(2024, 1, 1), date(2025, 1, 1))
        assert _same(street["values"], expected) == {}, street["name"]
    # What a county system reports for the county as a whole (a station's outflow, origin 331002000000) is in no street.
    whole_county = _expected(JIAOJIANG + "000", date(2024, 1, 1), date(2025, 1, 1))["generated_t"]
    county = _expected(JIAOJIANG, date(2024, 1, 1), date(2025, 1, 1))["generated_t"]
    assert sum(s["values"]["generated_t"] for s in streets) + whole_county == pytest.approx(county)
