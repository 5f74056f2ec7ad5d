"""A camera platform pushes detections through the signed API: images preserved with their SM3 digest, the raw
request archived, a retry answered from the first, repeats merged, and bad events refused with the field named."""
import base64
import json

import pytest

from wastewatch.core.crypto import sm3_hex
from wastewatch.events.models import Alert, CameraEvent, Evidence
from wastewatch.events.services.evidence import file_path

from .conftest import FACE_JPEG, camera_push, event

pytestmark = pytest.mark.django_db


def test_a_camera_event_with_an_image_becomes_an_alert_with_preserved_evidence(camera_platform, camera):
    response = camera_push(camera_platform, event(camera, "evt-1"))
    assert response.status_code == 201, response.content
    alert = Alert.objects.get(pk=response.json()["alertId"])
    assert (alert.kind, alert.source, alert.site_id, alert.region_code) == ("littering", "camera", camera.site_id, camera.region_id)
    image = Evidence.objects.get(alert=alert, kind="image")
    assert image.sm3 == sm3_hex(FACE_JPEG) and image.device_id == camera.pk
    assert image.faces is None  # looked for after the answer, by the job or the first display
    assert file_path(image.sm3).read_bytes() == FACE_JPEG
    raw = CameraEvent.objects.get(event_id="evt-1").raw
    assert json.loads(file_path(raw.sm3).read_bytes())["eventId"] == "evt-1"
    assert Evidence.objects.get(alert=alert, kind="clip_url").url.endswith("evt-1.mp4")


def test_a_retried_event_is_answered_from_the_first_and_stored_once(camera_platform, camera):
    first = camera_push(camera_platform, event(camera, "evt-2"))
    again = camera_push(camera_platform, event(camera, "evt-2"))
    assert again.status_code == 200 and again.json()["created"] is False
    assert again.json()["alertId"] == first.json()["alertId"]
    assert Evidence.objects.filter(alert_id=first.json()["alertId"], kind="image").count() == 1


def test_a_repeat_at_the_same_point_merges_into_one_alert_with_a_count(camera_platform, camera):
    first = camera_push(camera_platform, event(camera, "evt-3", at="2025-04-25 19:20:00")).json()
    second = camera_push(camera_platform, event(camera, "evt-4", at="2025-04-25 19:31:00")).json()
    assert second["alertId"] == first["alertId"] and second["count"] == 2
    assert Alert.objects.get(pk=first["alertId"]).occurrences.count() == 2


def test_a_multipart_event_with_an_image_file_is_accepted(camera_platform, camera):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fields = {k: v for k, v in event(camera, "evt-mp").items() if k != "images"}
    response = camera_push(camera_platform, multipart={**fields, "images": SimpleUploadedFile("a.jpg", FACE_JPEG, "image/jpeg")})
    assert response.status_code == 201, response.content
    assert Evidence.objects.filter(alert_id=response.json()["alertId"], kind="image", sm3=sm3_hex(FACE_JPEG)).exists()


def test_bad_events_are_refused_naming_each_field_and_nothing_is_stored(camera_platform, camera):
    bad = event(camera, "evt-bad", kind="nonsense", at="25/04/2025")
    bad["images"] = [{"data": base64.b64encode(b"not an image").decode()}]
    response = camera_push(camera_platform, bad)
    assert response.status_code == 400
    fields = {d["field"] for d in response.json()["details"]}
    assert {"alertType"} <= fields
    assert not CameraEvent.objects.filter(event_id="evt-bad").exists()
    not_image = camera_push(camera_platform, {**event(camera, "evt-bad2"), "images": [{"data": base64.b64encode(b"plain text").decode()}]})
    assert not_image.status_code == 400 and not_image.json()["details"][0]["field"] == "images"
    assert "JPEG" in not_image.json()["details"][0]["reason"]


def test_a_platform_may_not_push_for_another_countys_camera(city_admin, camera):
    from wastewatch.events.tests.conftest import camera_push as push
    from wastewatch.interfaces import clients
    from wastewatch.registry.models import Region

    other = clients.api_client_create(actor=city_admin, name="黄岩区视频平台", region=Region.objects.get(code="331003000000"))
    response = push(other, event(camera, "evt-x"))
    assert response.status_code == 400 and response.json()["details"][0]["field"] == "deviceCode"


def test_an_unsigned_push_is_refused(camera):
    from django.test import Client

    response = Client().post("/api/v1/events/camera-events", event(camera, "evt-u"), content_type="application/json")
    assert response.status_code == 401
