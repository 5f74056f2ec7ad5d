"""Fixtures of the events tests: evidence under a temporary root, a camera platform of 椒江区 and its signed push."""
import base64
import json

import pytest
from django.test import Client

from pathlib import Path

from wastewatch.accounts.models import User
from wastewatch.events.services.evidence import root
from wastewatch.interfaces import clients, signing
from wastewatch.registry.models import Device, Region, Site

# NASA's public-domain portrait of astronaut Eileen Collins, as bundled with scikit-image (skimage.data.astronaut):
# a real face for the blurring to find.
FACE_JPEG = (Path(__file__).resolve().parent.parent / "data" / "astronaut.jpg").read_bytes()


@pytest.fixture(autouse=True)
def evidence_root(settings, tmp_path):
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    return root


@pytest.fixture
def camera_platform(city_admin):
    """椒江区's AI camera platform: an API client of the county, with the secret it signs with."""
    return clients.api_client_create(actor=city_admin, name="椒江区智能视频分析平台", region=Region.objects.get(code="331002000000"))


@pytest.fixture
def camera():
    """A camera at a drop-off point of 椒江区 in the demo city."""
    return Device.objects.filter(kind="camera", region__code__startswith="331002", site__kind="dropoff").select_related("site").order_by("code").first()


@pytest.fixture
def events_reference(live_demo_city):
    """The dispatch rules, checklists and plans of the data migration, again: a transactional test's database is
    emptied after each test, migration data included, and the live demo city reloads only the city."""
    from wastewatch.events.models import Checklist, DispatchRule, EmergencyPlan
    from wastewatch.events.reference import reference_load

    reference_load(DispatchRule, Checklist, EmergencyPlan)


@pytest.fixture
def community_staff(db):
    return User.objects.select_related("role", "region").get(username="community_staff")


@pytest.fixture
def community_camera(community_staff):
    """A camera at a drop-off point of the community worker's own community."""
    camera = Device.objects.filter(kind="camera", region=community_staff.region, site__kind="dropoff").select_related("site").first()
    if camera is None:  # the small demo city may have no camera there: put one up, as the county would
        site = Site.objects.filter(region=community_staff.region, kind="dropoff").first()
        camera = Device.objects.create(kind="camera", code=f"C{site.code}", name=f"{site.name}摄像头", site=site, region=site.region,
                                       stream_url=f"rtsp://video.demo.invalid/{site.code}/main")
    return camera


def camera_push(platform, payload=None, *, body=None, multipart=None):
    """POST one camera event, signed as the platform (JSON body, or multipart fields + files)."""
    api_client, secret = platform
    path = "/api/v1/events/camera-events"
    if multipart is not None:
        from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

        body, content_type = encode_multipart(BOUNDARY, multipart), MULTIPART_CONTENT
    else:
        body = body if body is not None else json.dumps(payload, ensure_ascii=False).encode("utf-8")
        content_type = "application/json"
    headers = signing.headers_for(api_client.app_key, secret, "POST", path, body)
    return Client().generic("POST", path, body, content_type=content_type, **{"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()})


def event(camera, event_id, *, kind="littering", at="2025-04-25 19:20:00", image=FACE_JPEG, **extra):
    return {"eventId": event_id, "deviceCode": camera.code, "alertType": kind, "alertTime": at, "confidence": 0.93,
            "description": "识别到行人将垃圾袋丢弃在桶外", "clipUrl": f"https://cam.example.com/clips/{event_id}.mp4",
            "images": [{"data": base64.b64encode(image).decode(), "capturedAt": at}], **extra}
