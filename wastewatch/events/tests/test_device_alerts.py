"""A device the county reports offline becomes one alert, dispatched by rule to its street; a check repeated the
same day adds nothing, the next day counts again; a device back online raises nothing."""
from datetime import timedelta

import pytest
from django.utils import timezone

from wastewatch.core.resources import get
from wastewatch.core.services import record_update
from wastewatch.events.models import Alert, WorkOrder
from wastewatch.events.services.devices import devices_check

pytestmark = pytest.mark.django_db


def test_an_offline_camera_becomes_one_alert_a_day_and_a_work_order_for_its_street(camera, county_admin, django_capture_on_commit_callbacks):
    record_update(actor=county_admin, resource=get("devices"), instance=camera, data={"status": "offline"}, source="page")
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert devices_check(now=now) >= 1
        devices_check(now=now + timedelta(minutes=10))
    alert = Alert.objects.get(device=camera, kind="device_offline")
    assert (alert.source, alert.count, alert.region_code) == ("device", 1, camera.region_id)
    order = WorkOrder.objects.get(alert=alert)
    assert order.unit_id == camera.region_id[:9] + "000" and order.deadline_hours == 72  # the street, by the device rule

    devices_check(now=now + timedelta(days=1))
    alert.refresh_from_db()
    assert alert.count == 2 and Alert.objects.filter(device=camera, kind="device_offline").count() == 1

    record_update(actor=county_admin, resource=get("devices"), instance=camera, data={"status": "online"}, source="page")
    devices_check(now=now + timedelta(days=2))
    alert.refresh_from_db()
    assert alert.count == 2
