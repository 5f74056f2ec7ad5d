"""Patrol check-ins must be made at the site, score by the site kind's checklist, feed the estates' scores and turn
failed items into alerts; emergency plans are found by incident and place, and starting one from an alert creates its
tasks for the responsible units and its messages (a drill is marked and left out of the statistics)."""
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from wastewatch.accounts.models import User
from wastewatch.events.models import Alert, Notification, WorkOrder
from wastewatch.events.services import alert_raise
from wastewatch.registry.models import Site

from .conftest import FACE_JPEG

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspector(db):
    return User.objects.select_related("role", "region").get(username="inspector")


@pytest.fixture
def point(inspector):
    return Site.objects.filter(kind="dropoff", region__code__startswith=inspector.region_id[:9], estate__isnull=False, lon__isnull=False).first()


def _checkin(client, site, *, lon, lat, answers):
    return client.post("/api/v1/events/inspections", {
        "site": site.code, "lon": lon, "lat": lat, "answers": json.dumps(answers), "note": "晚间巡查",
        "photo": SimpleUploadedFile("p.jpg", FACE_JPEG, "image/jpeg")})


ALL_GOOD = {"clean": True, "bins": True, "full": True, "sorted": True, "supervisor": True, "notice": True}


def test_a_check_in_far_from_the_site_is_refused_with_the_distance(inspector, point, api_client):
    response = _checkin(api_client(inspector), point, lon=float(point.lon) + 0.01, lat=float(point.lat), answers=ALL_GOOD)
    assert response.status_code == 400
    detail = response.json()["details"][0]
    assert detail["field"] == "lon" and "米" in detail["reason"]


def test_a_check_in_at_the_site_scores_and_failed_items_become_an_alert(inspector, point, api_client, city_admin):
    client = api_client(inspector)
    good = _checkin(client, point, lon=float(point.lon) + 0.0003, lat=float(point.lat), answers=ALL_GOOD)
    assert good.status_code == 201, good.content
    assert good.json()["score"] == 100.0 and good.json()["problems"] == 0
    bad = _checkin(client, point, lon=float(point.lon), lat=float(point.lat), answers={**ALL_GOOD, "sorted": False, "full": False})
    assert bad.json()["score"] == 60.0 and bad.json()["problems"] == 2
    alert = Alert.objects.get(kind="inspection_problem", site=point)
    assert "分类准确" in alert.title and alert.evidence_files.filter(kind="image").exists()
    scores = api_client(city_admin).get("/api/v1/events/estate-scores").json()
    row = next(r for r in scores if r["estate_id"] == point.estate_id)
    assert row["inspections"] == 2 and row["avg_score"] == 80.0 and row["problems"] == 2


def test_a_check_in_must_answer_every_item(inspector, point, api_client):
    response = _checkin(api_client(inspector), point, lon=float(point.lon), lat=float(point.lat), answers={"clean": True, "bogus": True})
    fields = {d["field"] for d in response.json()["details"]}
    assert response.status_code == 400 and "answers.bogus" in fields and "answers.sorted" in fields


def _fire(site):
    return alert_raise(actor=None, kind="fire", source="public", at=timezone.now(), title=f"{site.name}垃圾桶起火", site=site)


def test_starting_a_plan_from_a_fire_alert_creates_tasks_and_messages(point, city_admin, api_client):
    alert = _fire(point)
    client = api_client(city_admin)
    found = client.get(f"/api/v1/events/plans?kind=fire&region={alert.region_code}").json()
    assert [p["code"] for p in found] == ["YA-HZ-01"]
    started = client.post("/api/v1/events/plans/YA-HZ-01/start", {"alert_id": alert.pk}, content_type="application/json")
    assert started.status_code == 201, started.content
    orders = WorkOrder.objects.filter(number__in=started.json()["work_orders"])
    assert {o.unit_id for o in orders} == {point.region_id, point.region_id[:9] + "000", point.region_id[:6] + "000000"}
    assert all(o.status == "dispatched" and not o.is_drill for o in orders)
    told = Notification.objects.filter(title__contains="火情应急预案").values_list("region_code", "body")
    assert {r for r, _ in told} >= {point.region_id[:9] + "000", point.region_id[:6] + "000000"}
    assert any(point.name in body for _, body in told)


def test_a_drill_is_marked_and_left_out_of_the_statistics(point, city_admin, api_client):
    alert = _fire(point)
    client = api_client(city_admin)
    started = client.post("/api/v1/events/plans/YA-HZ-01/start", {"alert_id": alert.pk, "drill": True}, content_type="application/json").json()
    orders = WorkOrder.objects.filter(number__in=started["work_orders"])
    assert orders.count() == 3 and all(o.is_drill and o.title.startswith("【演练】") for o in orders)
    assert not any(r["key"] == "fire" for r in client.get("/api/v1/events/stats?by=kind").json())
    wrong = client.post("/api/v1/events/plans/YA-QD-01/start", {"alert_id": alert.pk}, content_type="application/json")
    assert wrong.status_code == 400 and wrong.json()["details"][0]["field"] == "plan"
