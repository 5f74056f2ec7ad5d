"""Every registry interface lands in its registry type, through the registry's services,
and a registry refusal is answered in the interface's own field names."""
import copy

import pytest

from wastewatch.core.models import AuditRecord
from wastewatch.core.resources import get as get_resource
from wastewatch.interfaces import catalogue, clients
from wastewatch.interfaces.mappers import MAPPERS
from wastewatch.interfaces.tests.conftest import signed_push as push
from wastewatch.registry import choices
from wastewatch.registry.models import Organisation, Region

pytestmark = pytest.mark.django_db


def county_system_for(county_code, actor):
    client, secret = clients.api_client_create(actor=actor, name=f"{county_code} 系统", region=Region.objects.get(code=county_code))
    return client, secret


def _communities_in_demo_city():
    """The catalogue's examples name communities of the full demo city; map each onto one the small one has."""
    mapping, used = {}, set()
    for spec in catalogue.all_specs():
        org = spec.example["orgCode"]
        if org in mapping or org.endswith("000000"):
            continue
        existing = Region.objects.filter(code=org).exists()
        mapping[org] = org if existing else next(
            c for c in Region.objects.filter(code__startswith=org[:6], level="community").order_by("code").values_list("code", flat=True)
            if c not in used and c not in mapping
        )
        used.add(mapping[org])
    return mapping


def example(code, communities):
    record = copy.deepcopy(catalogue.get(code).example)
    for key, value in record.items():
        if isinstance(value, str) and value[:12] in communities:
            record[key] = communities[value[:12]] + value[12:]
    if code == "vehicle":  # the operating company must be registered: use one of the demo city's haulers
        record["operationUnit"] = Organisation.objects.filter(kind=choices.OrganisationKind.HAULER, region__code__startswith="331002").first().name
    return record


def test_each_registry_interface_lands_in_its_registry_type(city_admin):
    systems, communities = {}, _communities_in_demo_city()
    for code in [s.code for s in catalogue.push_order([catalogue.get(c) for c in MAPPERS])]:
        record = example(code, communities)
        county = record["orgCode"][:6] + "000000"
        system = systems.setdefault(county, county_system_for(county, city_admin))
        body = push(system, code, [record]).json()
        assert body["rejected"] == 0, (code, body["results"])
        resource = get_resource(MAPPERS[code].resource)
        key = record[catalogue.get(code).business_key[0]]
        stored = resource.model.objects.get(**{resource.natural_key: key})
        assert AuditRecord.objects.filter(object_pk=str(stored.pk), source="interface", actor_label=f"client:{system[0].app_key}").exists()


def test_code_tables_map_onto_registry_choices(city_admin):
    system, communities = county_system_for("331002000000", city_admin), _communities_in_demo_city()
    facility = {**example("facility", communities), "processType": "2", "state": "3"}
    vehicle = {**example("vehicle", communities), "carType": "3", "fuelType": "6", "trashType": "0100"}
    assert push(system, "facility", [facility]).json()["rejected"] == 0
    assert push(system, "vehicle", [vehicle]).json()["rejected"] == 0
    site = get_resource("sites").model.objects.get(code=facility["processCode"])
    assert (site.kind, site.status) == (choices.SiteKind.LANDFILL, choices.SiteStatus.BUILDING)
    car = get_resource("vehicles").model.objects.get(plate=vehicle["code"])
    assert (car.vehicle_type, car.fuel_type, car.category_id) == (choices.VehicleType.PERISHABLE, choices.FuelType.HYDROGEN, "0100")


def test_registry_refusals_name_the_interface_field(city_admin):
    system, communities = county_system_for("331002000000", city_admin), _communities_in_demo_city()
    vehicle = {**example("vehicle", communities), "operationUnit": "未登记的运输公司"}
    estate = {**example("estate", communities), "unitCode": "331002001099000001", "orgCode": "331002001099"}
    results = push(system, "vehicle", [vehicle]).json()["results"] + push(system, "estate", [estate]).json()["results"]
    assert [r["status"] for r in results] == ["rejected", "rejected"]
    assert results[0]["errors"][0]["field"] == "operationUnit" and "未登记的运输公司" in results[0]["errors"][0]["reason"]
    assert results[1]["errors"][0]["field"] == "orgCode" and "331002001099" in results[1]["errors"][0]["reason"]


def test_fields_an_interface_does_not_carry_keep_their_registry_value(city_admin):
    site = get_resource("sites").model.objects.filter(kind=choices.SiteKind.DROPOFF, region__code__startswith="331002",
                                                      estate__isnull=False).exclude(address="").first()
    site.has_weighing = True
    site.save()
    system = county_system_for("331002000000", city_admin)
    estate = site.estate
    push(system, "estate", [{**catalogue.get("estate").example, "orgCode": estate.region_id, "unitCode": estate.code,
                             "lon": str(estate.lon), "lat": str(estate.lat)}])
    record = {**catalogue.get("dropoff-point").example, "orgCode": site.region_id, "dumpCode": site.code, "dumpName": "改名投放点",
              "unitCode": estate.code, "lon": str(site.lon), "lat": str(site.lat)}
    result = push(system, "dropoff-point", [record]).json()["results"][0]
    assert result["status"] == "accepted", result
    site.refresh_from_db()
    assert site.name == "改名投放点" and site.address and site.has_weighing  # the drop-off interface has neither field


def test_other_interfaces_reach_their_apps_lander_once_per_batch_with_only_what_changed(city_admin, monkeypatch):
    """The ledger, tracking and events apps take their interfaces' records from a lander, a batch at a time."""
    from wastewatch.interfaces import landing

    batches = []
    monkeypatch.setitem(landing.LANDERS.setdefault("tracking", {}), "vehicle-day",
                        lambda *, client, spec, batch, records: batches.append([(r.key, r.deleted, r.data.get("tripCount")) for r in records]))
    communities = _communities_in_demo_city()
    vehicle, day = example("vehicle", communities), example("vehicle-operation", communities)
    system = county_system_for(vehicle["orgCode"][:6] + "000000", city_admin)
    assert push(system, "vehicle", [vehicle]).json()["rejected"] == 0
    key = f"{day['code']}|{day['workDate']}"

    push(system, "vehicle-operation", [day])
    push(system, "vehicle-operation", [{**day, "uid": "again"}])  # the same record again: nothing to land
    push(system, "vehicle-operation", [{**day, "tripCount": 5, "operation": "U"}])
    push(system, "vehicle-operation", [{"operation": "D", "orgCode": day["orgCode"], "code": day["code"], "workDate": day["workDate"]}])

    assert batches == [[(key, False, day["tripCount"])], [(key, False, 5)], [(key, True, 5)]]
