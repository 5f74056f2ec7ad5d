"""Every indicator for Taizhou and one county over a simulated stretch of the ledger matches a hand computation from
what was recorded; out of scope is 404; the refresh follows corrections of the ledger."""
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from wastewatch.ledger.models import Movement
from wastewatch.ledger.services import movement_record, movement_remove
from wastewatch.registry.models import Vehicle
from wastewatch.reports.refresh import SHANGHAI, aggregates_refresh

from .conftest import HUANGYAN, JIAOJIANG

pytestmark = pytest.mark.django_db

HOUSEHOLD = ("01", "02", "03")
MARCH_START, APRIL_START = datetime(2025, 3, 1, tzinfo=SHANGHAI), datetime(2025, 4, 1, tzinfo=SHANGHAI)
TREATMENT = ("incineration", "landfill", "perishable", "hazardous", "recycling")


def _expected(stretch, prefix, days):
    C = stretch.tonnes(prefix, stage="facility_in", cats=HOUSEHOLD, to_kinds=TREATMENT)
    R = stretch.tonnes(prefix, stage="sorting_in", cats=("04",))
    P = stretch.tonnes(prefix, stage="facility_in", cats=("01",), to_kinds=("perishable",))
    I = stretch.tonnes(prefix, stage="facility_in", cats=HOUSEHOLD, to_kinds=("incineration",))
    L = stretch.tonnes(prefix, stage="facility_in", cats=HOUSEHOLD, to_kinds=("landfill",))
    S = stretch.tonnes(prefix, stage="pickup", cats=("01", "02", "03", "04"))
    S_household = stretch.tonnes(prefix, stage="pickup", cats=HOUSEHOLD)
    G = C + R
    pct = lambda a, b: round(float(a / b * 100), 2)  # noqa: E731
    return {
        "generated_t": round(float(G), 3),
        "recycling_rate": pct(R + P, G),
        # default route coefficients: incineration 1, perishable 1, landfill 0
        "recovery_rate": pct(R + I + P, G),
        "safe_treatment_rate": pct(C, S_household),
        "landfill_share": pct(L, G),
        "perishable_share": pct(stretch.tonnes(prefix, stage="pickup", cats=("01",)), S),
        "recyclable_share": pct(stretch.tonnes(prefix, stage="pickup", cats=("04",)), S),
        "per_capita_kg": round(float(G) * 1000 / stretch.population(prefix) / days, 3),
    }


@pytest.mark.parametrize("region,prefix", [("331000000000", "3310"), (JIAOJIANG + "000000", JIAOJIANG)])
def test_march_indicators_match_the_hand_computation_from_the_ledger(stretch, api_client, city_admin, region, prefix):
    body = api_client(city_admin).get(f"/api/v1/reports/indicators?region={region}&period=month&at=2025-03").json()
    expected = _expected(stretch, prefix, days=31)
    assert {k: body["values"][k] for k in expected} == expected
    assert expected["recycling_rate"] > 0 and expected["generated_t"] > 10


def test_the_year_adds_up_the_months_and_the_day_is_its_own(stretch, api_client, city_admin):
    client = api_client(city_admin)
    year = client.get("/api/v1/reports/indicators?region=331000000000&period=year&at=2025").json()
    assert year["values"]["generated_t"] == _expected(stretch, "3310", days=365)["generated_t"]
    day = client.get("/api/v1/reports/indicators?region=331000000000&period=day&at=2025-03-04").json()
    assert day["values"]["generated_t"] == round(float(sum(
        (r.net_t for r in stretch.recorded if r.stage in ("facility_in", "sorting_in") and r.category[:2] in ("01", "02", "03", "04")
         and r.to_kind in ("incineration", "landfill", "perishable", "sorting")), Decimal(0)) / 7), 3)


def test_camera_alerts_count_as_dropoff_violations_per_thousand_households(stretch, api_client, city_admin):
    from wastewatch.registry.models import Estate

    body = api_client(city_admin).get(f"/api/v1/reports/indicators?region={JIAOJIANG}000000&period=month&at=2025-03").json()
    households = sum(e.households for e in Estate.objects.filter(region__code__startswith=JIAOJIANG))
    occurrences = 2 * 4  # two points, on days 0, 6, 12 and 18
    assert body["values"]["dropoff_violations"] == round(occurrences * 1000 / households / 31 * 30, 2)
    assert body["values"]["alert_closure_rate"] == 0.0


def test_source_reduction_compares_with_the_month_before(stretch, api_client, city_admin):
    client = api_client(city_admin)
    april = client.get("/api/v1/reports/indicators?region=331000000000&period=month&at=2025-04").json()
    assert april["values"]["generated_t"] == 0.0
    assert april["reduction"]["generated_mom"] == -100.0
    assert april["reduction"]["generated_yoy"] is None  # nothing a year before


def test_drill_down_from_the_city_to_counties_streets_communities_and_estates(stretch, api_client, city_admin):
    client = api_client(city_admin)
    counties = client.get("/api/v1/reports/indicators/children?period=month&at=2025-03").json()
    by_code = {c["code"]: c for c in counties}
    assert len(counties) == 10
    assert by_code[JIAOJIANG + "000000"]["values"]["generated_t"] == _expected(stretch, JIAOJIANG, 31)["generated_t"]
    point = stretch.points[JIAOJIANG][0]
    street = client.get(f"/api/v1/reports/indicators/children?region={point.region_id[:9]}000&period=month&at=2025-03").json()
    community = next(c for c in street if c["code"] == point.region_id)
    assert community["values"]["perishable_share"] is not None
    estates = client.get(f"/api/v1/reports/indicators/children?region={point.region_id}&period=month&at=2025-03").json()
    estate = next(e for e in estates if e["code"] == str(point.estate_id))
    mine = [r for r in stretch.recorded if r.estate_id == point.estate_id and r.stage == "pickup"]
    assert estate["values"]["generated_t"] == round(float(sum(r.net_t for r in mine)), 3)
    assert estate["values"]["recycling_rate"] is None  # a city-wide rate, not an estate's


def test_the_records_behind_a_figure_are_the_ledger_rows(stretch, api_client, city_admin):
    rows = api_client(city_admin).get(f"/api/v1/reports/indicators/records?region={HUANGYAN}000000&period=month&at=2025-03&stage=sorting_in").json()
    expected = [r for r in stretch.recorded if r.origin.startswith(HUANGYAN) and r.stage == "sorting_in"]
    assert len(rows) == len(expected)
    assert round(sum(r["net_t"] for r in rows), 3) == round(float(sum(r.net_t for r in expected)), 3)


def test_a_correction_of_the_ledger_is_followed_by_the_next_refresh(stretch, api_client, city_admin):
    client = api_client(city_admin)
    before = client.get("/api/v1/reports/indicators?region=331000000000&period=month&at=2025-03").json()["values"]["generated_t"]
    victim = Movement.objects.filter(stage="sorting_in", day=date(2025, 3, 4)).first()
    movement_remove(actor=city_admin, movement=victim)
    aggregates_refresh()
    after = client.get("/api/v1/reports/indicators?region=331000000000&period=month&at=2025-03").json()["values"]["generated_t"]
    assert round(before - after, 3) == float(victim.net_t)


def test_a_county_admin_sees_their_county_and_gets_404_elsewhere(stretch, api_client, county_admin, no_permission_user):
    client = api_client(county_admin)
    own = client.get("/api/v1/reports/indicators?period=month&at=2025-03").json()
    assert own["place"]["code"] == JIAOJIANG + "000000"
    assert client.get(f"/api/v1/reports/indicators?region={HUANGYAN}000000").status_code == 404
    assert client.get("/api/v1/reports/indicators?region=331000000000").status_code == 404
    assert api_client(no_permission_user).get("/api/v1/reports/indicators").status_code == 403


def test_bad_periods_are_answered_in_chinese_naming_the_field(api_client, city_admin):
    client = api_client(city_admin)
    body = client.get("/api/v1/reports/indicators?period=week").json()
    assert body["details"][0]["field"] == "period"
    response = client.get("/api/v1/reports/indicators?period=month&at=2025-13")
    assert response.status_code == 400 and response.json()["details"][0]["field"] == "at"


def test_the_catalogue_names_formula_source_and_official_targets(api_client, city_admin):
    catalogue = {i["code"]: i for i in api_client(city_admin).get("/api/v1/reports/catalogue").json()}
    assert catalogue["recycling_rate"]["target"] == 35.0 and "建城〔2020〕93号" in catalogue["recycling_rate"]["target_source"]
    assert catalogue["recovery_rate"]["target"] == 60.0
    assert all(i["formula"] and i["source"] and i["unit"] for i in catalogue.values())


def test_a_write_committed_after_a_refresh_began_is_still_picked_up(stretch, api_client, city_admin):
    """On PostgreSQL an id is taken at insert, not at commit: a transaction that began before a refresh and commits
    after it lands with a smaller audit id and an earlier time than rows that refresh already saw. Played here by
    hand: an id held back as a transaction in flight holds it, a refresh, then the late write arrives with that id
    and a time from before the refresh."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from wastewatch.core.models import AuditRecord

    from .conftest import MARCH

    in_flight = AuditRecord.objects.create(source="system", action="create", content_type=ContentType.objects.get_for_model(Movement),
                                           object_pk="0", object_repr="事务进行中")
    held_id, began_at = in_flight.pk, timezone.now()
    in_flight.delete()
    point, at = stretch.points[JIAOJIANG][0], MARCH + timedelta(days=1, hours=9)  # 2 March: nothing recorded yet

    def recyclables(net_t):  # not through stretch.record: the stretch is shared, this test's rows are rolled back
        movement_record(actor=city_admin, stage="sorting_in", occurred_at=at, category="0401", net_t=net_t, source="page",
                        origin_code=point.region_id, from_label="收运车辆", to_site=stretch.facility["sorting"], check_scope=False)

    recyclables(1.5)
    aggregates_refresh()
    recyclables(0.75)
    newest = AuditRecord.objects.order_by("-pk").first()
    AuditRecord.objects.filter(pk=newest.pk).update(id=held_id, at=began_at)
    assert held_id < AuditRecord.objects.filter(pk__lt=newest.pk).order_by("-pk").first().pk  # below any id watermark
    aggregates_refresh()
    client = api_client(city_admin)
    assert client.get("/api/v1/reports/indicators?region=331000000000&period=day&at=2025-03-02").json()["values"]["generated_t"] == 2.25
    month = client.get("/api/v1/reports/indicators?region=331000000000&period=month&at=2025-03").json()
    assert month["values"]["generated_t"] == round(_expected(stretch, "3310", days=31)["generated_t"] + 2.25, 3)


def test_collection_on_time_rate_is_trackings_plan_compliance(stretch, api_client, city_admin):
    from wastewatch.tracking.selectors import compliance_summary

    from .conftest import plan_day_play

    day = date(2025, 3, 4)
    served, skipped = stretch.points[JIAOJIANG]
    vehicle = Vehicle.objects.filter(region__code__startswith=JIAOJIANG).order_by("plate").first()
    plan_day_play(city_admin, day=day, vehicle=vehicle, served=served, skipped=skipped)
    aggregates_refresh()
    body = api_client(city_admin).get(f"/api/v1/reports/indicators?region={JIAOJIANG}000000&period=day&at=2025-03-04").json()
    rows = [r for r in compliance_summary(user=city_admin, day=day, group="street") if r["key"].startswith(JIAOJIANG)]
    planned, on_time = sum(r["planned"] for r in rows), sum(r["on_time"] for r in rows)
    assert on_time >= 1 and planned > on_time
    assert body["values"]["collection_on_time_rate"] == round(on_time / planned * 100, 2)


def test_sorting_and_dropoff_accuracy_come_from_the_inspections(stretch, api_client, city_admin):
    import io
    from datetime import datetime, timezone as tz

    from PIL import Image

    from wastewatch.events.selectors import estate_scores
    from wastewatch.events.services.inspections import checklist_for, inspection_checkin

    photo = io.BytesIO()
    Image.new("RGB", (40, 30), (90, 140, 60)).save(photo, format="PNG")
    at = datetime(2025, 3, 5, 2, 0, tzinfo=tz.utc)
    for n, point in enumerate(stretch.points[JIAOJIANG]):
        items = checklist_for(point).items
        answers = {i["code"]: not (n == 0 and k == 0) for k, i in enumerate(items)}  # the first point fails one item
        inspection_checkin(actor=city_admin, site=point, lon=float(point.lon), lat=float(point.lat), photo=photo.getvalue(),
                           answers=answers, at=at + timedelta(minutes=n))
    aggregates_refresh()
    body = api_client(city_admin).get(f"/api/v1/reports/indicators?region={JIAOJIANG}000000&period=month&at=2025-03").json()
    scores = [s for s in estate_scores(user=city_admin, since=MARCH_START, until=APRIL_START) if s["estate__region_id"].startswith(JIAOJIANG)]
    total = sum(s["inspections"] for s in scores)
    assert total == 2
    assert body["values"]["sorting_accuracy"] == round(float(sum(s["avg_score"] * s["inspections"] for s in scores)) / total, 2)
    assert body["values"]["dropoff_accuracy"] == 50.0
    estate = stretch.points[JIAOJIANG][0].estate_id
    mine = api_client(city_admin).get(f"/api/v1/reports/indicators?estate={estate}&period=month&at=2025-03").json()
    assert mine["values"]["sorting_accuracy"] == round(float(next(s["avg_score"] for s in scores if s["estate_id"] == estate)), 2)
