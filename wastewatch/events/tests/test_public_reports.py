"""Residents' reports, through the anonymous public API and page as a resident's phone sends them: a report with a
photo and the phone's position becomes an alert of the right community and is dispatched by rule; a second report
at the same place merges; bad input is answered in Chinese naming each field, with nothing stored and what was typed
kept on the page; floods are held back per address and per phone; the receipt shows the status and outcome only."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from wastewatch.events.models import Alert, Evidence, PublicReport, WorkOrder
from wastewatch.events.services import workorders
from wastewatch.registry.models import Estate, Site

from .conftest import FACE_JPEG

pytestmark = pytest.mark.django_db
API = "/api/v1/events/public-reports"


@pytest.fixture
def point():
    """A drop-off point of the demo city with a position, in a community."""
    return Site.objects.filter(kind="dropoff", lon__isnull=False, region__level="community").select_related("region").order_by("code").first()


def _report(client=None, *, address="10.1.1.1", **fields):
    """POST a report as a phone does (multipart: fields and photo files), from a given address."""
    data = {"kind": "overflow", "description": "垃圾桶满了，袋子堆在地上", **fields}
    return (client or Client()).post(API, data, REMOTE_ADDR=address)


def _photo(name="photo.jpg", content=FACE_JPEG):
    return SimpleUploadedFile(name, content, "image/jpeg")


def _near(site, metres_east=20):
    return {"lon": float(site.lon) + metres_east / 96000, "lat": float(site.lat)}


def test_a_report_with_a_photo_and_a_position_becomes_an_alert_of_its_community_and_is_dispatched(
        point, street_staff, api_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _report(photos=_photo(), phone="138 0013 8000", **_near(point))
    assert response.status_code == 201, response.content
    receipt = response.json()["receipt"]
    report = PublicReport.objects.select_related("alert").get(receipt=receipt)
    alert = report.alert
    assert (alert.source, alert.kind, alert.region_code, alert.site_id) == ("public", "overflow", point.region_id, point.pk)
    order = WorkOrder.objects.get(alert=alert)
    assert order.unit_id == point.region_id and order.status == "dispatched"  # the overflow rule: community, automatic
    photo = Evidence.objects.get(alert=alert, kind="image")
    assert photo.source == "public" and photo.size == len(FACE_JPEG) and len(photo.sm3) == 64
    with connection.cursor() as cursor:  # at rest: SM4 cipher text, not the number
        cursor.execute("SELECT phone FROM events_publicreport WHERE id = %s", [report.pk])
        stored = cursor.fetchone()[0]
    assert report.phone == "13800138000" and stored and "13800138000" not in stored

    detail = api_client(street_staff).get(f"/api/v1/events/alerts/{alert.pk}").json()
    assert detail["source"] == "public" and detail["occurrences"][0]["evidence"]["receipt"] == receipt
    assert "13800138000" not in str(detail)
    assert Client().get(f"/api/v1/events/public-reports/{receipt}").json()["status"] == f"已交{order.unit.name}处理"


def test_a_second_report_at_the_same_place_merges_into_the_open_alert(point, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = _report(photos=_photo(), **_near(point, 10)).json()["receipt"]
        second = _report(address="10.2.2.2", description="还是满的", **_near(point, 30)).json()["receipt"]
    one, two = PublicReport.objects.get(receipt=first), PublicReport.objects.get(receipt=second)
    assert one.alert_id == two.alert_id and first != second
    assert Alert.objects.get(pk=one.alert_id).count == 2
    assert WorkOrder.objects.filter(alert_id=one.alert_id).count() == 1


def test_an_estate_chosen_from_the_list_places_the_report_when_there_is_no_position(django_capture_on_commit_callbacks):
    estate = Estate.objects.order_by("code").first()
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(API, {"kind": "bag_outside", "description": "楼下垃圾袋落地", "estate": estate.code},
                                 content_type="application/json", REMOTE_ADDR="10.3.3.3")
    assert response.status_code == 201, response.content
    report = PublicReport.objects.select_related("alert").get(receipt=response.json()["receipt"])
    assert report.located_by == "estate" and report.region_code == estate.region_id and report.alert.region_code == estate.region_id
    places = Client().get("/events/report/places.json", {"parent": estate.region_id[:9]}).json()["items"]
    assert estate.code in [p["code"] for p in places]


def test_bad_input_is_answered_in_chinese_naming_each_field_and_nothing_is_stored(point):
    before = (PublicReport.objects.count(), Alert.objects.count(), Evidence.objects.count())
    bad = Client().post(API, {"kind": "overspeed", "description": "", "phone": "12345", "lon": "abc", "lat": "28.6"},
                        content_type="application/json", REMOTE_ADDR="10.4.4.4")
    assert bad.status_code == 400
    body = bad.json()
    reasons = {d["field"]: d["reason"] for d in body["details"]}
    assert body["message"].startswith("举报信息有误")
    assert set(reasons) == {"kind", "description", "phone", "lon"}
    assert "乱扔垃圾" in reasons["kind"] and "手机号" in reasons["phone"] and "数字" in reasons["lon"]

    not_an_image = _report(photos=_photo("x.jpg", b"GIF89a not really"), address="10.4.4.4", **_near(point))
    assert not_an_image.status_code == 400
    assert not_an_image.json()["details"] == [{"index": 0, "field": "photos", "reason": "仅支持 JPEG 或 PNG 图片"}]
    far = _report(address="10.4.4.4", lon=116.40, lat=39.90)  # Beijing
    assert far.status_code == 400 and far.json()["details"][0]["field"] == "lon" and "台州" in far.json()["details"][0]["reason"]
    assert (PublicReport.objects.count(), Alert.objects.count(), Evidence.objects.count()) == before

    # The page without JavaScript: the form comes back with the reason beside the field and what was typed still there.
    page = Client().post("/events/report/", {"kind": "overflow", "description": "东门垃圾桶满溢", "phone": "139"}, REMOTE_ADDR="10.4.4.4")
    html = page.content.decode()
    assert page.status_code == 400 and "东门垃圾桶满溢" in html and "请填写 11 位手机号码" in html and "请允许获取定位" in html


def test_floods_are_held_back_per_address_and_per_phone_with_a_429_in_chinese(point, settings):
    settings.PUBLIC_REPORT_LIMITS = {"sender": 2, "phone": 1}
    assert _report(address="10.5.5.5", phone="13900000001", **_near(point)).status_code == 201
    again = _report(address="10.6.6.6", phone="13900000001", **_near(point))
    assert again.status_code == 429 and again.json()["details"][0]["field"] == "phone" and "每小时" in again.json()["message"]
    assert _report(address="10.5.5.5", **_near(point)).status_code == 201
    third = _report(address="10.5.5.5", **_near(point))
    assert third.status_code == 429 and third.json()["code"] == "rate_limited" and "同一网络" in third.json()["message"]
    # Another address is not held back by the first one's flood; a header anyone can write does not change the address.
    assert _report(address="10.7.7.7", **_near(point)).status_code == 201
    assert _report(address="10.5.5.5", HTTP_X_FORWARDED_FOR="1.2.3.4", **_near(point)).status_code == 429


def test_the_receipt_shows_the_status_and_the_outcome_and_nothing_personal(
        point, community_staff, street_staff, page_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        mine = _report(photos=_photo(), phone="13700137000", description="我家楼下满溢，我是 3 栋张先生", **_near(point)).json()["receipt"]
        other = _report(address="10.8.8.8", description="另一位居民的举报", **_near(point, 25)).json()["receipt"]
    report = PublicReport.objects.get(receipt=mine)
    order = WorkOrder.objects.get(alert=report.alert)
    workorders.work_order_accept(actor=community_staff, order=order)
    workorders.work_order_report(actor=community_staff, order=order, comment="已清运并冲洗桶边", photos=[FACE_JPEG])
    workorders.work_order_approve(actor=street_staff, order=order)
    workorders.work_order_close(actor=street_staff, order=order)

    page = Client().get(f"/events/report/{mine}/")
    html = page.content.decode()
    assert page.status_code == 200 and "已办结" in html and "已清运并冲洗桶边" in html
    for private in ("13700137000", "1370", "张先生", other, "另一位居民", report.alert.title, "/events/alerts/"):
        assert private not in html
    api = Client().get(f"/api/v1/events/public-reports/{mine.lower()}").json()
    assert set(api) == {"receipt", "kind", "kind_label", "submitted_at", "status", "outcome", "done_at"} and api["status"] == "已办结"
    assert Client().get("/events/report/JBNOTAREALONE/").status_code == 404
    assert Client().get("/api/v1/events/public-reports/JBNOTAREALONE").status_code == 404

    # Staff see who reported, the phone masked for those without the permission to see personal data.
    staff_page = page_client(street_staff).get(f"/events/alerts/{report.alert_id}/").content.decode()
    assert mine in staff_page and "137****7000" in staff_page and "13700137000" not in staff_page
