"""The vehicle-alert interface lands as alerts: a county system's push of 运输车辆预警数据 raises one per record,
merged per vehicle and kind, and a retried batch changes nothing."""
import copy

import pytest

from wastewatch.events.models import Alert
from wastewatch.interfaces import catalogue
from wastewatch.interfaces.tests.conftest import signed_push
from wastewatch.registry.models import Vehicle

pytestmark = pytest.mark.django_db


@pytest.fixture
def county_system(city_admin):
    from wastewatch.interfaces import clients
    from wastewatch.registry.models import Region

    return clients.api_client_create(actor=city_admin, name="椒江区垃圾分类系统", region=Region.objects.get(code="331002000000"))


def test_pushed_vehicle_alerts_become_merged_alerts(county_system):
    # Alerts reference a vehicle the county has pushed: push one of its registered vehicles first.
    vehicle_record = {**copy.deepcopy(catalogue.get("vehicle").example), "uid": "car-x"}
    registered = Vehicle.objects.filter(region__code__startswith="331002").select_related("hauler").order_by("plate").first()
    vehicle_record.update(code=registered.plate, orgCode=registered.region_id, operationUnit=registered.hauler.code)
    pushed = signed_push(county_system, "vehicle", [vehicle_record]).json()
    assert pushed["rejected"] == 0, pushed["results"][0]["errors"]
    vehicle = Vehicle.objects.get(plate=vehicle_record["code"])
    base = copy.deepcopy(catalogue.get("vehicle-alert").example)
    records = [
        {**base, "uid": "va-1", "code": vehicle.plate, "orgCode": vehicle.region_id, "alertType": "01", "alertLevel": "3", "alertTime": "2025-04-25 08:33:12"},
        {**base, "uid": "va-2", "code": vehicle.plate, "orgCode": vehicle.region_id, "alertType": "01", "alertLevel": "3", "alertTime": "2025-04-25 08:41:00"},
    ]
    response = signed_push(county_system, "vehicle-alert", records)
    assert response.status_code == 200, response.content
    assert response.json()["accepted"] == 2, response.json()["results"]
    alert = Alert.objects.get(vehicle=vehicle, kind="overspeed")
    assert (alert.count, alert.source, alert.severity, alert.region_code) == (2, "interface", "high", vehicle.region_id)
    assert signed_push(county_system, "vehicle-alert", records).status_code == 200
    alert.refresh_from_db()
    assert alert.count == 2
