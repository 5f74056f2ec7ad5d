"""The county systems' weighings, jobs and facility data land in the ledger: idempotent, replaceable, removable."""
from decimal import Decimal

from wastewatch.events.models import Alert
from wastewatch.ledger.services import movement_record
from wastewatch.ledger.landers import at
from wastewatch.ledger.models import FacilityOperation, FacilityOutput, MonitoringReading, Movement


def intake(chain, **changes):
    tare = float(chain.truck.tare_t)
    record = {"uid": "fin-1", "operation": "I", "orgCode": chain.incinerator.region_id, "processCode": chain.incinerator.code,
              "processType": "1", "inTime": "2026-05-06 10:22:47", "carNo": chain.truck.plate, "type": "02",
              "sendFactory": chain.transfer.name, "sendOrgCode": "331002000000", "tracUnit": chain.truck.hauler.name,
              "totalWeight": round(tare + 6.2, 2), "actualWeight": tare, "weight": 6.2}
    return {**record, **changes}


def test_a_facility_intake_push_is_one_movement_and_a_retry_or_update_keeps_it_one(county_system, chain):
    county_system.register(chain.incinerator, chain.transfer, chain.truck)
    county_system.push("facility-intake", [intake(chain)])
    county_system.push("facility-intake", [intake(chain, uid="retry")])
    movement = Movement.objects.get(source_interface="facility-intake")
    assert movement.stage == "facility_in" and movement.to_site == chain.incinerator and movement.vehicle == chain.truck
    assert movement.from_site == chain.transfer and movement.net_t == Decimal("6.2") and movement.flags == []
    county_system.push("facility-intake", [intake(chain, operation="U", weight=6.0, totalWeight=float(chain.truck.tare_t) + 6.0)])
    assert Movement.objects.get(source_interface="facility-intake").net_t == Decimal("6.0")
    county_system.push("facility-intake", [{"operation": "D", "orgCode": chain.incinerator.region_id, "uid": "d",
                                            "processCode": chain.incinerator.code, "carNo": chain.truck.plate,
                                            "inTime": "2026-05-06 10:22:47"}])
    assert not Movement.objects.filter(source_interface="facility-intake").exists()


def test_an_intake_is_credited_to_the_street_where_the_truck_picked_its_load_up(county_system, chain):
    county_system.register(chain.incinerator, chain.truck)
    # The truck's pickup at the estate, as its on-board scale reported it.
    movement_record(actor=None, stage="pickup", occurred_at=at("2026-05-06 08:00:00"), category="0200", net_t="3",
                    source="device", from_site=chain.dropoff, from_estate=chain.estate, vehicle=chain.truck, check_scope=False)
    county_system.push("facility-intake", [intake(chain)])
    booked = Movement.objects.get(source_interface="facility-intake")
    assert booked.origin_code == chain.estate.region_id  # the community of the estate, not just the county


def test_weighing_doubts_are_flagged_on_the_pushed_record(county_system, chain):
    county_system.register(chain.incinerator, chain.truck)
    county_system.push("facility-intake", [intake(chain, actualWeight=2.0, totalWeight=8.2)])
    movement = Movement.objects.get(source_interface="facility-intake")
    assert movement.flags == ["tare_mismatch"]
    assert Alert.objects.filter(kind="weighing_anomaly", vehicle=chain.truck).exists()


def test_flue_gas_over_its_gb18485_limit_and_a_cold_furnace_raise_alerts(county_system, chain):
    county_system.register(chain.incinerator)
    base = {"operation": "I", "orgCode": chain.incinerator.region_id, "processCode": chain.incinerator.code,
            "monitorPoint": "L1", "monitorTime": "2026-05-06 10:00:00", "isExceed": "0"}
    county_system.push("facility-monitoring", [
        {**base, "uid": "so2", "itemCode": "SO2", "value": 120, "limitValue": 200},  # the sender's own limit is laxer
        {**base, "uid": "nox", "itemCode": "NOX", "value": 180},
        {**base, "uid": "temp", "itemCode": "TEMP", "value": 820},
    ])
    readings = {r.item: r for r in MonitoringReading.objects.filter(site=chain.incinerator)}
    assert readings["SO2"].exceeded and readings["SO2"].limit_value == Decimal("100")  # GB 18485-2014, 1-hour average
    assert not readings["NOX"].exceeded and readings["TEMP"].exceeded and readings["TEMP"].bound == "min"
    kinds = set(Alert.objects.filter(site=chain.incinerator).values_list("kind", flat=True))
    assert kinds == {"emission_exceeded", "furnace_temperature"}


def test_a_plant_over_its_design_capacity_raises_an_alert(county_system, chain):
    county_system.register(chain.incinerator)
    capacity = float(chain.incinerator.capacity_tpd)
    record = {"uid": "op", "operation": "I", "orgCode": chain.incinerator.region_id, "processCode": chain.incinerator.code,
              "dataTime": "2026-05-06 22:00:00", "runState": "1", "treatAmount": capacity * 1.2, "lineCount": 3, "runningLines": 3}
    county_system.push("facility-operation", [record])
    assert FacilityOperation.objects.get(site=chain.incinerator).treated_t == Decimal(str(capacity * 1.2)).quantize(Decimal("0.001"))
    assert Alert.objects.filter(kind="over_capacity", site=chain.incinerator).count() == 1


def test_outputs_are_booked_and_their_destination_closes_the_chain(county_system, chain):
    county_system.register(chain.incinerator)
    plant = {"operation": "I", "orgCode": chain.incinerator.region_id, "processCode": chain.incinerator.code}
    county_system.push("facility-output", [
        {**plant, "uid": "ash", "outputType": "02", "outputTime": "2026-05-06 10:00:00", "amount": 12.5, "stockAmount": 12.5},
        {**plant, "uid": "kwh", "outputType": "06", "outputTime": "2026-05-06 10:00:00", "amount": 310500},
    ])
    assert FacilityOutput.objects.filter(site=chain.incinerator).count() == 2
    produced = Movement.objects.get(stage="output")
    assert produced.category_id == "1003" and produced.net_t == Decimal("12.5")
    county_system.push("output-destination", [{**plant, "uid": "bill", "billNo": "LZ20260506001", "outputType": "02",
                                               "outTime": "2026-05-06 15:30:00", "amount": 12.5, "destinationType": "2",
                                               "destinationName": "台州市建材综合利用有限公司", "carNo": "浙J5F902"}])
    shipped = Movement.objects.get(stage="output_out")
    assert shipped.to_label == "台州市建材综合利用有限公司" and shipped.from_site == chain.incinerator
