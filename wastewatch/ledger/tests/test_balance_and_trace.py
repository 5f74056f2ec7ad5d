"""A tonne collected at an estate can be followed to the plant's bottom ash and its buyer; each site's mass balance
closes within tolerance, and a leak is flagged."""
from datetime import date

import pytest

from wastewatch.events.models import Alert
from wastewatch.ledger.balance import balance_check
from wastewatch.ledger.landers import at
from wastewatch.ledger.services import movement_record
from wastewatch.ledger.services.facilities import operation_record_many
from wastewatch.ledger.models import FacilityOperation

DAY = date(2026, 5, 6)


def book(stage, time, net, **places):
    return movement_record(actor=None, stage=stage, occurred_at=at(f"2026-05-06 {time}:00"), category=places.pop("category", "0200"),
                           net_t=str(net), source="device", check_scope=False, **places)


@pytest.fixture
def day_of_waste(chain):
    return book_day_of_waste(chain)


def book_day_of_waste(chain):
    """Estate → truck → transfer station → container truck → incinerator → bottom ash → a building-materials plant."""
    book("pickup", "07:00", 2.0, from_site=chain.dropoff, from_estate=chain.estate, vehicle=chain.truck)
    book("pickup", "07:30", 1.0, from_site=chain.dropoff, from_estate=chain.estate, vehicle=chain.truck)
    book("transfer_in", "08:00", 3.0, to_site=chain.transfer, vehicle=chain.truck)
    book("transfer_out", "10:00", 2.9, from_site=chain.transfer, vehicle=chain.other_truck)
    book("facility_in", "11:00", 2.9, to_site=chain.incinerator, vehicle=chain.other_truck)
    operation_record_many(actor=None, rows=[FacilityOperation(
        site=chain.incinerator, region_code=chain.incinerator.region_id, at=at("2026-05-06 23:00:00"), day=DAY, treated_t=2.9)])
    book("output", "23:00", 0.6, from_site=chain.incinerator, to_label="厂内暂存", category="1003")
    book("output_out", "23:30", 0.6, from_site=chain.incinerator, to_label="台州市建材综合利用有限公司", category="1003")
    return chain


def test_forward_from_an_estate_reaches_the_bottom_ash_and_its_destination(api_client, county_admin, day_of_waste):
    chain = day_of_waste
    response = api_client(county_admin).get("/api/v1/ledger/trace/forward", {"estate": chain.estate.code, "day_from": DAY, "day_to": DAY})
    assert response.status_code == 200, response.content
    links = {(l["source_id"], l["target_id"]): l["tonnes"] for l in response.json()["links"]}
    estate, station, plant = f"estate:{chain.estate.code}", f"site:{chain.transfer.code}", f"site:{chain.incinerator.code}"
    ash = f"output:{chain.incinerator.code}:1003"
    assert links[(estate, station)] == 3.0
    assert links[(station, plant)] == pytest.approx(2.9)
    assert links[(plant, ash)] == pytest.approx(0.6)
    assert links[(ash, "label:台州市建材综合利用有限公司")] == pytest.approx(0.6)


def test_backward_from_the_plant_reaches_the_estate_its_street_and_county(api_client, city_admin, day_of_waste):
    chain = day_of_waste
    body = api_client(city_admin).get("/api/v1/ledger/trace/backward", {"site": chain.incinerator.code, "day_from": DAY}).json()
    links = {(l["source_id"], l["target_id"]): l["tonnes"] for l in body["links"]}
    street = chain.estate.region_id[:9] + "000"
    assert links[(f"estate:{chain.estate.code}", f"site:{chain.transfer.code}")] == pytest.approx(2.9)
    assert links[(f"region:{street}", f"estate:{chain.estate.code}")] == pytest.approx(2.9)
    assert links[("region:331002000000", f"region:{street}")] == pytest.approx(2.9)


def test_every_site_balances_within_tolerance_and_a_leak_is_flagged(api_client, city_admin, day_of_waste):
    chain = day_of_waste
    body = api_client(city_admin).get("/api/v1/ledger/balance", {"day_from": DAY}).json()
    rows = {r["site"]: r for r in body["sites"]}
    assert rows[chain.transfer.code]["gap_t"] == pytest.approx(0.1) and not rows[chain.transfer.code]["flagged"]
    assert rows[chain.incinerator.code]["out_t"] == 2.9 and not rows[chain.incinerator.code]["flagged"]
    book("transfer_in", "12:00", 5.0, to_site=chain.transfer, vehicle=chain.truck)  # weighed in, never sent on
    balances = balance_check(actor=None, day=DAY)
    assert [b.site for b in balances if b.flagged] == [chain.transfer]
    alert = Alert.objects.get(kind="mass_imbalance")
    assert alert.site == chain.transfer and "物料不平衡" in alert.title
    county = next(c for c in api_client(city_admin).get("/api/v1/ledger/balance", {"day_from": DAY}).json()["counties"]
                  if c["region_code"] == chain.transfer.region_id[:6] + "000000")
    assert county["flagged_sites"] == 1


def test_a_trace_outside_the_callers_scope_answers_404(api_client, county_admin, day_of_waste):
    from wastewatch.registry.models import Estate

    elsewhere = Estate.objects.exclude(region__code__startswith="331002").first()
    response = api_client(county_admin).get("/api/v1/ledger/trace/forward", {"estate": elsewhere.code})
    assert response.status_code == 404


def test_a_plants_intake_counts_for_the_county_its_load_came_from(day_of_waste):
    """The container truck belongs to another county; its load was taken on at 椒江's station, so 椒江 gets the tonnes."""
    from wastewatch.ledger.selectors import movement_totals

    chain = day_of_waste
    assert not chain.other_truck.region_id.startswith("331002")
    jiaojiang = movement_totals(region_prefix="331002", day_from=DAY, day_to=DAY, stages=["facility_in"])
    truck_county = movement_totals(region_prefix=chain.other_truck.region_id[:6], day_from=DAY, day_to=DAY, stages=["facility_in"])
    assert [(r["stage"], float(r["tonnes"])) for r in jiaojiang] == [("facility_in", 2.9)] and truck_county == []
