"""Alerts and work orders in a real browser (Debian's chromium): the street office finds a camera alert on the list and
the map, opens it, follows the live video link and sees the evidence with the face blurred, while the enforcement
officer is served the original; the community worker, on a phone, accepts the order and reports it done with a photo
and the phone's position; a resident, without an account, reports an overflow from a phone with a photo and the
phone's position and gets a receipt. Screenshots are saved under var/screenshots/."""
import cv2
import numpy as np
import pytest

from wastewatch.accounts.models import Role, User
from wastewatch.core.testing import SHOTS, log_in
from wastewatch.events import faces
from wastewatch.events.models import Alert, Evidence, WorkOrder
from wastewatch.simulator.democity import DEMO_PASSWORD

from .conftest import FACE_JPEG, camera_push, event

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
WHERE_THE_WORKER_STANDS = {"longitude": 121.4301, "latitude": 28.6702}


@pytest.fixture
def camera_alert(events_reference, camera_platform, community_camera):
    """A camera's littering alert with a face in its image, dispatched by rule to the community: written before the
    browser starts (the live server's thread then reads it)."""
    response = camera_push(camera_platform, event(community_camera, "browser-1", kind="overflow"))
    assert response.status_code == 201, response.content
    enforcer = User(username="enforcer", role=Role.objects.get(code="enforcement"), region_id="331002000000")
    enforcer.set_password(DEMO_PASSWORD)
    enforcer.save()
    return Alert.objects.select_related("device").get(pk=response.json()["alertId"])


@pytest.fixture
def browser(browser_page):
    """The browser page; these tests read the database while it is open, on a connection of that context's own,
    closed here before the page is (or PostgreSQL's test database could not be dropped)."""
    yield browser_page
    from django.db import connection

    connection.close()


def _served_image(page, base, alert_id):
    """Open the alert and return the bytes the browser was served for its evidence image (and check it shows)."""
    with page.expect_response(lambda r: "/api/v1/events/evidence/" in r.url) as served:
        page.goto(f"{base}/events/alerts/{alert_id}/")
    image = page.locator("img[data-evidence]")
    image.wait_for()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    assert served.value.status == 200
    return served.value.body()


def _face_difference(content, box):
    x, y, w, h = box
    shown, original = faces.decode(content)[y:y + h, x:x + w].astype(int), faces.decode(FACE_JPEG)[y:y + h, x:x + w].astype(int)
    return float(abs(shown - original).mean())


def test_the_street_sees_the_alert_blurred_enforcement_sees_it_clear_and_the_community_worker_closes_it_from_a_phone(
        camera_alert, browser, live_server, tmp_path):
    # One test for the alert's whole life in the browser: each browser test reloads the demo city (a live server's
    # database is emptied after every test), which costs more than the steps themselves.
    page, base = browser, live_server.url
    log_in(page, base, "street_staff")
    page.goto(base + "/events/alerts/?kind=overflow")
    row = page.locator(f'tr[data-alert="{camera_alert.pk}"]')
    assert "垃圾满溢" in row.inner_text() and row.locator('[data-status="dispatched"]').count() == 1
    page.screenshot(path=str(SHOTS / "events-alert-list.png"), full_page=True)

    page.goto(base + "/events/alerts/map/")
    page.wait_for_selector("#alert-map[data-points]", timeout=15000)
    assert int(page.get_attribute("#alert-map", "data-points")) >= 1
    page.screenshot(path=str(SHOTS / "events-alert-map.png"))

    blurred = _served_image(page, base, camera_alert.pk)
    assert page.get_attribute("[data-live-video]", "href") == camera_alert.device.stream_url
    assert "人脸已打码" in page.content()
    page.screenshot(path=str(SHOTS / "events-alert-street.png"), full_page=True)
    box = Evidence.objects.get(alert=camera_alert, kind="image").faces[0]  # found by that first display
    assert blurred != FACE_JPEG and _face_difference(blurred, box) > 15

    page.context.clear_cookies()
    log_in(page, base, "enforcer")
    clear = _served_image(page, base, camera_alert.pk)
    assert clear == FACE_JPEG  # the original, bit for bit
    assert page.locator("text=导出取证包").count() == 1
    page.screenshot(path=str(SHOTS / "events-alert-enforcement.png"), full_page=True)

    page.context.clear_cookies()
    _the_community_worker_accepts_and_reports_completion_from_a_phone(camera_alert, page, base, tmp_path)


def _the_community_worker_accepts_and_reports_completion_from_a_phone(camera_alert, page, base, tmp_path):
    order = WorkOrder.objects.get(alert=camera_alert)
    photo = tmp_path / "done.jpg"
    clean = np.full((480, 640, 3), (60, 140, 60), np.uint8)
    cv2.rectangle(clean, (200, 150), (440, 420), (40, 90, 200), -1)  # a bin, emptied
    photo.write_bytes(cv2.imencode(".jpg", clean)[1].tobytes())
    page.set_viewport_size(PHONE)
    page.context.grant_permissions(["geolocation"], origin=base)
    page.context.set_geolocation(WHERE_THE_WORKER_STANDS)

    log_in(page, base, "community_staff")
    page.goto(base + "/events/orders/mine/")
    card = page.locator(f'[data-order="{order.number}"]')
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling on a phone
    page.screenshot(path=str(SHOTS / "events-worker-phone-orders.png"), full_page=True)
    card.locator("button", has_text="接单").click()
    page.wait_for_selector(f'[data-order="{order.number}"] [data-status="accepted"]')

    card.locator("textarea[name=comment]").fill("满溢垃圾已清运，桶边已冲洗")
    card.locator("input[name=photos]").set_input_files(str(photo))
    page.wait_for_function(f'document.querySelector(\'[data-order="{order.number}"] .where\').textContent.includes("位置")'
                           f' && document.querySelector(\'[data-order="{order.number}"] input[name=lon]\').value !== ""')
    page.screenshot(path=str(SHOTS / "events-worker-phone-report.png"), full_page=True)
    card.locator("button", has_text="回单").click()
    page.wait_for_selector(f'[data-order="{order.number}"] [data-status="reported"]')
    assert "已回单，等待审核" in card.inner_text()

    order.refresh_from_db()
    report = order.steps.get(action="report")
    assert order.status == "reported" and report.actor.username == "community_staff"
    assert (round(report.lon, 4), round(report.lat, 4)) == (WHERE_THE_WORKER_STANDS["longitude"], WHERE_THE_WORKER_STANDS["latitude"])
    assert [e.size for e in report.attachments.all()] == [photo.stat().st_size]


@pytest.fixture
def resident_spot(events_reference):
    """Where a resident stands: 20 m from a drop-off point of the demo city (read before the browser starts)."""
    from wastewatch.registry.models import Site

    site = Site.objects.filter(kind="dropoff", lon__isnull=False, region__level="community").order_by("code").first()
    return site, {"longitude": float(site.lon) + 20 / 96000, "latitude": float(site.lat)}


def test_a_resident_reports_from_a_phone_with_a_photo_and_the_position_and_gets_a_receipt(resident_spot, browser, live_server, tmp_path):
    from wastewatch.events.models import PublicReport

    site, position = resident_spot
    page, base = browser, live_server.url
    photo = tmp_path / "overflow.jpg"
    scene = np.full((900, 1200, 3), (90, 90, 90), np.uint8)
    cv2.rectangle(scene, (400, 300), (800, 850), (30, 120, 30), -1)  # a green bin, bags piled beside it
    photo.write_bytes(cv2.imencode(".jpg", scene)[1].tobytes())
    page.set_viewport_size(PHONE)
    page.context.grant_permissions(["geolocation"], origin=base)
    page.context.set_geolocation(position)

    page.goto(base + "/events/report/")  # no login
    page.wait_for_function('document.querySelector("[data-where]").textContent.includes("已定位")')
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling on a phone
    page.click('label[for="kind-overflow"]')
    page.set_input_files("input[name=photos]", str(photo))
    page.wait_for_selector(".previews img")
    page.fill("textarea[name=description]", "投放点垃圾桶满溢，垃圾袋堆在地上")
    page.screenshot(path=str(SHOTS / "events-public-report-phone.png"), full_page=True)
    page.click("[data-submit]")
    page.wait_for_selector("[data-receipt-code]")
    receipt = page.inner_text("[data-receipt-code]").strip()
    assert "已交" in page.inner_text("[data-public-status]")
    page.screenshot(path=str(SHOTS / "events-public-receipt-phone.png"), full_page=True)

    report = PublicReport.objects.select_related("alert").get(receipt=receipt)
    assert report.located_by == "position" and report.site_id == site.pk and report.alert.status == "dispatched"
    stored = report.alert.evidence_files.get(kind="image")
    assert stored.content_type == "image/jpeg" and 0 < stored.size  # shrunk on the phone or sent as it was, preserved either way
