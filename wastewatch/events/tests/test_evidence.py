"""Evidence: a face is blurred for a street user and clear for enforcement, every look logged; the package exported
for the enforcement bureau verifies, and a tampered one does not; retention removes what has expired, logged."""
import io
import zipfile
from datetime import timedelta

import pytest
from django.utils import timezone

from wastewatch.accounts.models import Role, User
from wastewatch.simulator.democity import DEMO_PASSWORD
from wastewatch.events import faces
from wastewatch.events.models import Alert, Evidence, EvidenceAccess
from wastewatch.events.services.evidence import evidence_expire, evidence_faces_detect_pending, file_path

from .conftest import FACE_JPEG, camera_push, event

pytestmark = pytest.mark.django_db


@pytest.fixture
def enforcement_officer(db):
    user = User(username="enforcer", role=Role.objects.get(code="enforcement"), region_id="331002000000")
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


@pytest.fixture
def alert_with_face(camera_platform, camera):
    return Alert.objects.get(pk=camera_push(camera_platform, event(camera, "face-1")).json()["alertId"])


def _face_difference(content: bytes, box) -> float:
    """Mean absolute difference, inside the face box, between this image and the original."""
    x, y, w, h = box
    a, b = faces.decode(content)[y:y + h, x:x + w].astype(int), faces.decode(FACE_JPEG)[y:y + h, x:x + w].astype(int)
    return float(abs(a - b).mean())


def test_a_face_is_blurred_for_a_street_user_and_clear_for_enforcement(alert_with_face, county_admin, enforcement_officer, api_client):
    image = Evidence.objects.get(alert=alert_with_face, kind="image")
    assert image.faces is None  # the detection job has not run yet: the first display must look for itself
    url = api_client(county_admin).get(f"/api/v1/events/alerts/{alert_with_face.pk}").json()["evidence"][0]["url"]
    blurred = api_client(county_admin).get(url)
    assert blurred.status_code == 200 and blurred["Content-Type"] == "image/jpeg"
    image.refresh_from_db()
    box = image.faces[0]  # found by that display, and kept
    assert _face_difference(blurred.content, box) > 15  # the face is gone
    assert faces.detect(blurred.content) == []
    clear = api_client(enforcement_officer).get(url)
    assert clear.content == FACE_JPEG  # the original, bit for bit
    assert file_path(image.sm3).read_bytes() == FACE_JPEG  # never altered by the blurring
    log = list(EvidenceAccess.objects.filter(evidence=image).values_list("actor_label", "action"))
    assert ("jiaojiang_admin", "view") in log and ("enforcer", "view_original") in log


def test_the_detection_job_finds_faces_once_and_a_broken_detector_fails_closed(alert_with_face, county_admin, api_client, monkeypatch):
    image = Evidence.objects.get(alert=alert_with_face, kind="image")
    assert evidence_faces_detect_pending() == 1
    image.refresh_from_db()
    x, y, w, h = image.faces[0]
    assert 150 < x < 200 and 40 < y < 90 and 80 < w < 120  # Eileen Collins' face in the 512×512 portrait
    assert evidence_faces_detect_pending() == 0  # once per image

    Evidence.objects.filter(pk=image.pk).update(faces=None)
    # The one stand-in in this suite: OpenCV cannot be made to fail on a valid image, and this path must be proven.
    monkeypatch.setattr(faces, "detect", lambda content: (_ for _ in ()).throw(RuntimeError("detector broken")))
    shown = api_client(county_admin).get(f"/api/v1/events/evidence/{image.pk}/file")
    assert shown.status_code == 200 and shown.content != FACE_JPEG
    whole = faces.decode(shown.content).astype(int) - faces.decode(FACE_JPEG).astype(int)
    assert float(abs(whole).mean()) > 15  # blurred all over, not just where a face was
    assert Evidence.objects.get(pk=image.pk).faces is None  # nothing recorded from a failed look


def test_the_exported_package_verifies_and_a_tampered_one_does_not(alert_with_face, enforcement_officer, county_admin, api_client):
    officer = api_client(enforcement_officer)
    assert api_client(county_admin).get(f"/api/v1/events/alerts/{alert_with_face.pk}/package").status_code == 200  # county admins export too
    package = officer.get(f"/api/v1/events/alerts/{alert_with_face.pk}/package")
    assert package.status_code == 200 and package["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(package.content)).namelist()
    assert "manifest.json" in names and "manifest.sig" in names and any(n.startswith("files/") for n in names)

    from django.core.files.uploadedfile import SimpleUploadedFile

    ok = officer.post("/api/v1/events/evidence/verify", {"file": SimpleUploadedFile("p.zip", package.content)}).json()
    assert ok["ok"] is True and ok["problems"] == []

    tampered = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package.content)) as source, zipfile.ZipFile(tampered, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            target.writestr(name, data[:-10] + b"0123456789" if name.startswith("files/") else data)
    bad = officer.post("/api/v1/events/evidence/verify", {"file": SimpleUploadedFile("p.zip", tampered.getvalue())}).json()
    assert bad["ok"] is False and "SM3" in bad["problems"][0]
    assert EvidenceAccess.objects.filter(evidence__alert=alert_with_face, action="export").count() >= 2


def test_a_street_user_may_not_export_and_an_outsider_gets_404(alert_with_face, street_staff, api_client):
    from wastewatch.accounts.models import User

    assert api_client(street_staff).get(f"/api/v1/events/alerts/{alert_with_face.pk}/package").status_code == 403
    image = Evidence.objects.get(alert=alert_with_face, kind="image")
    outsider = User.objects.get(username="huangyan_admin")
    assert api_client(outsider).get(f"/api/v1/events/evidence/{image.pk}/file").status_code == 404


def test_retention_removes_expired_files_and_logs_it(alert_with_face):
    image = Evidence.objects.get(alert=alert_with_face, kind="image")
    assert evidence_expire(now=image.retain_until - timedelta(days=1)) == 0
    removed = evidence_expire(now=image.retain_until + timedelta(seconds=1))
    assert removed >= 1
    image.refresh_from_db()
    assert image.removed_at is not None and not file_path(image.sm3).exists()
    assert EvidenceAccess.objects.filter(evidence=image, action="expire").exists()
    assert image.retain_until - image.stored_at >= timedelta(days=179)  # littering: half a year


def test_a_large_frame_is_scanned_shrunk_and_its_faces_land_where_they_are_in_the_original():
    import cv2

    small = faces.decode(FACE_JPEG)
    big = cv2.resize(small, (1600, 1600), interpolation=cv2.INTER_CUBIC)  # a 1600 px frame: scanned at 960 px
    ok, encoded = cv2.imencode(".jpg", big)
    [(x, y, w, h)] = faces.detect(encoded.tobytes())
    [(sx, sy, sw, sh)] = faces.detect(FACE_JPEG)
    ratio = 1600 / 512
    assert abs(x - sx * ratio) < 25 and abs(y - sy * ratio) < 25 and abs(w - sw * ratio) < 40
