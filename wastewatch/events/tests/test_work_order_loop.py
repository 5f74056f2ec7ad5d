"""The closed loop, through the HTTP API as the people involved use it: a camera alert becomes a work order for the
community by rule; the community accepts, reports with a photo and position; the street approves and closes; the alert
is resolved. An order left alone goes overdue and escalates to the street, both told (in the platform and by webhook)."""
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.utils import timezone

from wastewatch.accounts.models import User
from wastewatch.core.audit import audit_history
from wastewatch.events.models import Alert, Notification, WorkOrder
from wastewatch.events.services.workorders import work_orders_escalate

from .conftest import FACE_JPEG, camera_push, event

pytestmark = pytest.mark.django_db


def _raise_by_camera(camera_platform, camera, event_id, django_capture_on_commit_callbacks, **kw):
    with django_capture_on_commit_callbacks(execute=True):
        response = camera_push(camera_platform, event(camera, event_id, **kw))
    assert response.status_code == 201, response.content
    return Alert.objects.get(pk=response.json()["alertId"])


def test_a_camera_alert_goes_round_the_loop_to_closure(camera_platform, community_camera, community_staff, street_staff, api_client,
                                                       django_capture_on_commit_callbacks):
    alert = _raise_by_camera(camera_platform, community_camera, "loop-1", django_capture_on_commit_callbacks, kind="overflow")
    order = WorkOrder.objects.get(alert=alert)
    assert order.unit_id == community_staff.region_id and order.status == "dispatched"
    assert order.deadline - order.dispatched_at == timedelta(hours=4)  # the overflow rule's deadline
    assert Alert.objects.get(pk=alert.pk).status == "dispatched"

    worker = api_client(community_staff)
    mine = worker.get("/api/v1/events/work-orders?mine=true").json()
    assert order.number in [o["number"] for o in mine]
    assert worker.post(f"/api/v1/events/work-orders/{order.number}/accept", {}, content_type="application/json").json()["status"] == "accepted"
    no_photo = worker.post(f"/api/v1/events/work-orders/{order.number}/report", {"comment": "已清运"})
    assert no_photo.status_code == 400 and no_photo.json()["details"][0]["field"] == "photos"
    site = community_camera.site
    from django.core.files.uploadedfile import SimpleUploadedFile

    reported = worker.post(f"/api/v1/events/work-orders/{order.number}/report", {
        "comment": "已清运满溢垃圾并消毒", "lon": float(site.lon), "lat": float(site.lat),
        "photos": SimpleUploadedFile("after.jpg", FACE_JPEG, "image/jpeg")})
    assert reported.status_code == 200, reported.content
    report_step = reported.json()["steps"][-1]
    assert report_step["action"] == "report" and report_step["attachments"] and report_step["lon"] == pytest.approx(float(site.lon))

    street = api_client(street_staff)
    assert street.post(f"/api/v1/events/work-orders/{order.number}/approve", {"comment": "现场已整洁"}, content_type="application/json").status_code == 200
    closed = street.post(f"/api/v1/events/work-orders/{order.number}/close", {}, content_type="application/json").json()
    assert closed["status"] == "closed" and closed["on_time"] is True
    assert [s["action"] for s in closed["steps"]] == ["create", "dispatch", "accept", "report", "approve", "close"]
    assert Alert.objects.get(pk=alert.pk).status == "resolved"
    assert [r.after["step"] for r in audit_history(order).order_by("at", "id")][-1] == "close"

    stats = street.get("/api/v1/events/stats?by=kind").json()
    row = next(r for r in stats if r["key"] == "overflow")
    assert row["done"] >= 1 and row["on_time_rate"] == 1.0 and row["avg_hours"] is not None


def test_approving_is_refused_before_the_report_and_a_sent_back_order_counts_as_reopened(
        camera_platform, community_camera, community_staff, street_staff, api_client, django_capture_on_commit_callbacks):
    alert = _raise_by_camera(camera_platform, community_camera, "loop-2", django_capture_on_commit_callbacks, kind="bag_outside")
    order = WorkOrder.objects.get(alert=alert)
    street = api_client(street_staff)
    early = street.post(f"/api/v1/events/work-orders/{order.number}/approve", {}, content_type="application/json")
    assert early.status_code == 409 and "不能" in early.json()["message"]
    worker = api_client(community_staff)
    worker.post(f"/api/v1/events/work-orders/{order.number}/accept", {}, content_type="application/json")
    from django.core.files.uploadedfile import SimpleUploadedFile

    worker.post(f"/api/v1/events/work-orders/{order.number}/report", {"comment": "已处理", "photos": SimpleUploadedFile("a.jpg", FACE_JPEG, "image/jpeg")})
    no_reason = street.post(f"/api/v1/events/work-orders/{order.number}/send-back", {}, content_type="application/json")
    assert no_reason.status_code == 400 and no_reason.json()["details"][0]["field"] == "comment"
    back = street.post(f"/api/v1/events/work-orders/{order.number}/send-back", {"comment": "照片看不到桶周边"}, content_type="application/json").json()
    assert back["status"] == "returned" and back["reopen_count"] == 1
    assert Notification.objects.filter(order=order, region_code=order.region_code, title__contains="退回").exists()


class Hook(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):
        Hook.received.append((dict(self.headers), json.loads(self.rfile.read(int(self.headers["Content-Length"])))))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook(settings):
    server = HTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Hook.received = []
    settings.EVENTS_WEBHOOK_URL = f"http://127.0.0.1:{server.server_port}/notices"
    settings.EVENTS_WEBHOOK_SECRET = "hook-secret"
    yield Hook.received
    server.shutdown()


def test_an_overdue_order_escalates_to_the_street_and_both_are_told(camera_platform, community_camera, community_staff, webhook,
                                                                    django_capture_on_commit_callbacks):
    alert = _raise_by_camera(camera_platform, community_camera, "late-1", django_capture_on_commit_callbacks, kind="littering")
    order = WorkOrder.objects.get(alert=alert)
    assert work_orders_escalate(now=order.deadline - timedelta(minutes=1)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert work_orders_escalate(now=order.deadline + timedelta(minutes=5)) == 1
    order.refresh_from_db()
    street = community_staff.region.parent
    assert order.escalation_level == 1 and order.escalated_to == street
    assert order.steps.last().action == "escalate"
    told = set(Notification.objects.filter(order=order, channel="platform", title__startswith="督办").values_list("region_code", flat=True))
    assert told == {order.region_code, street.code}
    hooked = [body for _, body in webhook if body["title"].startswith("督办")]
    assert {b["region_code"] for b in hooked} == {order.region_code, street.code}
    headers = webhook[-1][0]
    assert headers["X-Signature"] and headers["X-Timestamp"]
    # Running again within the same period does not escalate twice; a further period goes up to the county.
    assert work_orders_escalate(now=order.deadline + timedelta(minutes=10)) == 0
    assert work_orders_escalate(now=order.deadline + timedelta(hours=order.deadline_hours, minutes=1)) == 1
    order.refresh_from_db()
    assert order.escalated_to_id == order.region_code[:6] + "000000"


def test_work_orders_outside_the_scope_answer_404(camera_platform, community_camera, api_client, django_capture_on_commit_callbacks):
    alert = _raise_by_camera(camera_platform, community_camera, "scope-1", django_capture_on_commit_callbacks)
    order = WorkOrder.objects.get(alert=alert)
    outsider = User.objects.get(username="huangyan_admin")
    client = api_client(outsider)
    assert client.get(f"/api/v1/events/work-orders/{order.number}").status_code == 404
    assert client.get(f"/api/v1/events/alerts/{alert.pk}").status_code == 404
    assert client.post(f"/api/v1/events/work-orders/{order.number}/accept", {}, content_type="application/json").status_code in (403, 404)
    assert alert.pk not in [a["id"] for a in client.get("/api/v1/events/alerts").json()["items"]]
