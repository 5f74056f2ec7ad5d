"""Every movement is one ledger row; weighbridge tickets are checked and flagged, never dropped."""
from decimal import Decimal

from wastewatch.core.models import AuditRecord
from wastewatch.events.models import Alert
from wastewatch.ledger.models import Movement

URL = "/api/v1/ledger/movements"


def weigh_in(chain, **overrides):
    body = {"stage": "facility_in", "occurred_at": "2026-05-06 09:12:00", "category": "0200", "net_t": "6.4",
            "gross_t": str(chain.truck.tare_t + Decimal("6.4")), "tare_t": str(chain.truck.tare_t),
            "to_site": chain.incinerator.code, "plate": chain.truck.plate, "source_key": "WB-0001"}
    return {**body, **overrides}


def test_a_weighbridge_ticket_becomes_one_movement_attributed_to_the_trucks_county(api_client, city_admin, chain):
    response = api_client(city_admin).post(URL, weigh_in(chain), content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["region_code"] == chain.incinerator.region_id
    assert body["origin_code"] == chain.truck.region_id  # cross-district plant: the sending county's tonnes
    assert body["flags"] == [] and body["net_t"] == 6.4 and body["day"] == "2026-05-06"
    movement = Movement.objects.get(pk=body["id"])
    assert AuditRecord.objects.filter(object_pk=str(movement.pk), action="create", source="api").exists()


def test_resubmitting_the_same_ticket_changes_nothing_and_a_correction_replaces_it(api_client, city_admin, chain):
    client = api_client(city_admin)
    first = client.post(URL, weigh_in(chain), content_type="application/json").json()
    again = client.post(URL, weigh_in(chain), content_type="application/json").json()
    assert again["id"] == first["id"] and Movement.objects.filter(source_key="WB-0001").count() == 1
    fixed = client.post(URL, weigh_in(chain, net_t="6.5", gross_t=str(chain.truck.tare_t + Decimal("6.5"))),
                        content_type="application/json").json()
    assert fixed["id"] == first["id"] and fixed["net_t"] == 6.5
    assert AuditRecord.objects.filter(object_pk=str(first["id"]), action="update").count() == 1


def test_doubtful_tickets_are_kept_with_their_flags_and_raise_a_weighing_alert(api_client, city_admin, chain):
    client = api_client(city_admin)
    wrong_net = weigh_in(chain, net_t="7.5", source_key="WB-A")
    wrong_tare = weigh_in(chain, tare_t="2.0", gross_t="8.4", source_key="WB-B", occurred_at="2026-05-06 11:00:00")
    overload = weigh_in(chain, net_t="40", gross_t=str(chain.truck.tare_t + 40), source_key="WB-C",
                        occurred_at="2026-05-06 13:00:00")
    flags = [client.post(URL, b, content_type="application/json").json()["flags"] for b in (wrong_net, wrong_tare, overload)]
    assert flags == [["net_mismatch"], ["tare_mismatch"], ["overload"]]
    alerts = Alert.objects.filter(kind="weighing_anomaly", vehicle=chain.truck)
    assert alerts.exists() and alerts.first().site_id == chain.incinerator.pk


def test_a_second_ticket_of_the_same_load_minutes_later_is_flagged_duplicate(api_client, city_admin, chain):
    client = api_client(city_admin)
    client.post(URL, weigh_in(chain), content_type="application/json")
    second = client.post(URL, weigh_in(chain, source_key="WB-0002", occurred_at="2026-05-06 09:15:00"),
                         content_type="application/json").json()
    assert second["flags"] == ["duplicate"] and Movement.objects.filter(vehicle=chain.truck).count() == 2


def test_an_unregistered_truck_is_recorded_and_flagged(api_client, city_admin, chain):
    body = weigh_in(chain, plate="浙J99999", gross_t=None, tare_t=None)
    response = api_client(city_admin).post(URL, body, content_type="application/json")
    assert response.status_code == 201 and response.json()["flags"] == ["unregistered_vehicle"]


def test_bad_input_is_refused_naming_each_field_in_chinese(api_client, city_admin, chain):
    body = weigh_in(chain, category="9999", net_t="-3", to_site="331002000000999999")
    response = api_client(city_admin).post(URL, body, content_type="application/json")
    assert response.status_code == 400
    assert {d["field"] for d in response.json()["details"]} == {"to_site"}
    response = api_client(city_admin).post(URL, weigh_in(chain, category="9999", net_t="-3"), content_type="application/json")
    reasons = {d["field"]: d["reason"] for d in response.json()["details"]}
    assert set(reasons) == {"category", "net_t"} and "不能为负数" in reasons["net_t"] and "9999" in reasons["category"]
    assert not Movement.objects.exists()


def test_a_county_sees_movements_in_or_from_it_and_gets_404_for_others(api_client, county_admin, city_admin, chain):
    admin = api_client(city_admin)
    from_jiaojiang = admin.post(URL, weigh_in(chain), content_type="application/json").json()
    other = admin.post(URL, weigh_in(chain, plate=chain.other_truck.plate, source_key="WB-9", net_t="3", gross_t=None,
                                     tare_t=None, to_site=chain.incinerator.code), content_type="application/json").json()
    county = api_client(county_admin)
    seen = {m["id"] for m in county.get(URL).json()["items"]}
    assert from_jiaojiang["id"] in seen
    if not chain.incinerator.region_id.startswith("331002"):
        assert other["id"] not in seen
        assert county.get(f"{URL}/{other['id']}").status_code == 404


def test_without_permission_the_ledger_answers_403(api_client, no_permission_user):
    assert api_client(no_permission_user).get(URL).status_code == 403
