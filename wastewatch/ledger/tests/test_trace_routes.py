"""A load is linked to the weigh-in it ended in when movements are written: data arriving out of order, a weigh-in
withdrawn, moved or booked again give the same trace as a day recorded in order."""
from wastewatch.ledger.landers import at
from wastewatch.ledger.services import movement_record
from wastewatch.ledger.services.movements import movement_remove, movement_remove_many
from wastewatch.ledger.tests.test_balance_and_trace import DAY


def day_steps(chain):
    """The day of test_balance_and_trace: two pickups, the station's weigh-in, a container trip to the incinerator,
    its bottom ash sent on."""
    return [
        ("pickup-1", "pickup", "07:00", 2.0, dict(from_site=chain.dropoff, from_estate=chain.estate, vehicle=chain.truck)),
        ("pickup-2", "pickup", "07:30", 1.0, dict(from_site=chain.dropoff, from_estate=chain.estate, vehicle=chain.truck)),
        ("station-in", "transfer_in", "08:00", 3.0, dict(to_site=chain.transfer, vehicle=chain.truck)),
        ("station-out", "transfer_out", "10:00", 2.9, dict(from_site=chain.transfer, vehicle=chain.other_truck)),
        ("plant-in", "facility_in", "11:00", 2.9, dict(to_site=chain.incinerator, vehicle=chain.other_truck)),
        ("ash", "output", "23:00", 0.6, dict(from_site=chain.incinerator, to_label="厂内暂存", category="1003")),
        ("ash-out", "output_out", "23:30", 0.6, dict(from_site=chain.incinerator, to_label="台州市建材综合利用有限公司", category="1003")),
    ]


def record(key, stage, time, net, places):
    places = dict(places)
    return movement_record(actor=None, stage=stage, occurred_at=at(f"2026-05-06 {time}:00"), category=places.pop("category", "0200"),
                           net_t=str(net), source="interface", source_interface="test-scale", source_key=key, check_scope=False,
                           **places)


def traces(client, chain):
    """The three traces of the day, as {(source, target): tonnes} each."""
    def links(path, params):
        response = client.get(f"/api/v1/ledger/trace/{path}", {**params, "day_from": DAY, "day_to": DAY})
        assert response.status_code == 200, response.content
        return {(l["source_id"], l["target_id"]): l["tonnes"] for l in response.json()["links"]}

    return {"forward": links("forward", {"estate": chain.estate.code}),
            "plant": links("backward", {"site": chain.incinerator.code}),
            "station": links("backward", {"site": chain.transfer.code})}


def test_loads_recorded_after_their_weigh_in_trace_as_if_recorded_in_order(api_client, city_admin, chain):
    client = api_client(city_admin)
    booked = [record(*step) for step in day_steps(chain)]
    in_order = traces(client, chain)
    assert in_order["station"][(f"estate:{chain.estate.code}", f"site:{chain.transfer.code}")] == 3.0
    for m in booked:
        movement_remove(actor=None, movement=m, source="system")
    assert traces(client, chain)["plant"] == {}

    reversed_day = [record(*step) for step in reversed(day_steps(chain))]  # every weigh-in before its loads
    by_key = {m.source_key: m for m in reversed_day}
    for key in ("pickup-1", "pickup-2"):
        by_key[key].refresh_from_db()
        assert by_key[key].delivered_in == by_key["station-in"]
    assert traces(client, chain) == in_order


def test_a_withdrawn_weigh_in_unlinks_its_loads_and_booking_it_again_restores_the_trace(api_client, city_admin, chain):
    client = api_client(city_admin)
    steps = day_steps(chain)
    booked = {m.source_key: m for m in (record(*step) for step in steps)}
    in_order = traces(client, chain)

    assert movement_remove_many(actor=None, source_interface="test-scale", source_keys=["station-in"], audit_source="interface") == 1
    booked["pickup-1"].refresh_from_db()
    assert booked["pickup-1"].delivered_in is None
    withdrawn = traces(client, chain)
    assert (f"estate:{chain.estate.code}", f"site:{chain.transfer.code}") not in withdrawn["plant"]
    assert withdrawn["station"] == {}

    record(*next(s for s in steps if s[0] == "station-in"))
    assert traces(client, chain) == in_order


def test_a_weigh_in_moved_before_the_pickups_no_longer_receives_them(api_client, city_admin, chain):
    client = api_client(city_admin)
    steps = {s[0]: s for s in day_steps(chain)}
    booked = {key: record(*step) for key, step in steps.items()}
    in_order = traces(client, chain)

    key, stage, _, net, places = steps["station-in"]
    record(key, stage, "06:30", net, places)  # the scale's correction of its time: before both pickups
    booked["pickup-2"].refresh_from_db()
    assert booked["pickup-2"].delivered_in is None
    moved = traces(client, chain)["station"]
    assert (f"estate:{chain.estate.code}", f"site:{chain.transfer.code}") not in moved
    assert moved[("region:331002000000", f"site:{chain.transfer.code}")] == 3.0  # no loads: credited to the truck's county

    record(*steps["station-in"])
    assert traces(client, chain) == in_order


def test_the_migrations_backfill_gives_the_links_the_write_services_keep(chain):
    from wastewatch.ledger.models import Movement
    from wastewatch.ledger.routes import routes_backfill

    steps = day_steps(chain)
    for step in [*steps[2:], *steps[:2]]:  # the station's weigh-in before its pickups
        record(*step)
    kept = dict(Movement.objects.values_list("pk", "delivered_in_id"))
    assert sum(1 for intake in kept.values() if intake) >= 3
    Movement.objects.update(delivered_in=None)
    routes_backfill(Movement, chunk_size=2)
    assert dict(Movement.objects.values_list("pk", "delivered_in_id")) == kept


def test_a_load_corrected_into_another_stage_leaves_its_weigh_in(api_client, city_admin, chain):
    steps = {s[0]: s for s in day_steps(chain)}
    booked = {key: record(*step) for key, step in steps.items()}
    key, _, time, net, places = steps["pickup-2"]
    record(key, "transfer_in", time, net, {**places, "to_site": chain.transfer})  # the scale's stage corrected
    booked["pickup-2"].refresh_from_db()
    assert booked["pickup-2"].delivered_in is None
    station = traces(api_client(city_admin), chain)["station"]
    assert station[(f"estate:{chain.estate.code}", f"site:{chain.transfer.code}")] == 1.0  # pickup-1 now ends in the 07:30 weigh-in (1 t)
    booked["pickup-1"].refresh_from_db()
    assert booked["pickup-1"].delivered_in_id == booked["pickup-2"].pk
