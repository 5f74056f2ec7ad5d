"""Collection plans written on the page: the route as lines (site code or name, time window), each refusal answered
on its line with everything typed kept, the audit row marked as from the page, and another county's plan not found."""
import re
from datetime import time

import pytest

from wastewatch.core.models import AuditRecord
from wastewatch.tracking.models import CollectionPlan
from wastewatch.tracking.services import collection_plan_save

from .conftest import site_of, vehicle_of

pytestmark = pytest.mark.django_db


def _window(start, end):
    return time.fromisoformat(start), time.fromisoformat(end)


def _post(client, url, *, vehicle, points, name="早班线路", weekdays=("1", "3", "5")):
    return client.post(url, {"vehicle": vehicle.plate, "name": name, "weekdays": list(weekdays), "points": points})


def test_a_county_clerk_writes_a_plan_on_the_page_by_code_and_by_name(page_client, county_admin):
    truck, point, station = vehicle_of("0200"), site_of("dropoff"), site_of("transfer")
    answer = _post(page_client(county_admin), "/tracking/plans/new", vehicle=truck,
                   points=f"{point.code} 06:30-07:00\n\n{station.name}，07:30～08:30\n")
    assert answer.status_code == 302, answer.content.decode()[:2000]
    plan = CollectionPlan.objects.get(vehicle=truck, name="早班线路")
    assert plan.weekdays == "135"
    assert [(p.site, f"{p.window_start:%H:%M}", f"{p.window_end:%H:%M}") for p in plan.points.order_by("seq")] == [
        (point, "06:30", "07:00"), (station, "07:30", "08:30")]
    assert AuditRecord.objects.get(object_pk=str(plan.pk), content_type__model="collectionplan").source == "page"
    listed = page_client(county_admin).get(answer["Location"]).content.decode()
    assert "早班线路" in listed and f"/tracking/plans/{plan.pk}/edit" in listed


def test_a_bad_route_is_answered_on_its_lines_and_keeps_what_was_typed(page_client, county_admin):
    truck, point = vehicle_of("0200"), site_of("dropoff")
    client = page_client(county_admin)
    typed = f"{point.code} 06:30-07:00\n{point.code} 早上七点"
    page = _post(client, "/tracking/plans/new", vehicle=truck, points=typed).content.decode()
    assert "第 2 行：应写作“点位编码或名称 06:30-07:00”" in page and "早上七点" in page

    typed = f"{point.code} 06:30-07:00\n\n331002999999999999 07:00-07:30\n{point.code} 09:00-08:00"
    page = _post(client, "/tracking/plans/new", vehicle=truck, points=typed).content.decode()
    assert "第 3 行：点位设施不存在或不在您的数据权限范围内" in page
    assert "第 4 行：时间窗结束 08:00 应晚于开始 09:00" in page
    assert "331002999999999999 07:00-07:30" in page  # nothing typed is lost
    assert re.search(r'<textarea name="points"[^>]*class="[^"]*is-invalid', page)  # the field the service refused is marked
    assert not CollectionPlan.objects.filter(name="早班线路").exists()

    page = _post(client, "/tracking/plans/new", vehicle=truck, points=f"{point.code} 06:30-07:00", weekdays=()).content.decode()
    assert "执行日：" in page


def test_editing_replaces_the_route_and_disabling_keeps_the_plan(page_client, county_admin, city_admin):
    truck, point, station = vehicle_of("0200"), site_of("dropoff"), site_of("transfer")
    plan = collection_plan_save(actor=city_admin, vehicle=truck, name="试行", weekdays="12345",
                                points=[(point, *_window("06:00", "06:30"))])
    client = page_client(county_admin)
    form = client.get(f"/tracking/plans/{plan.pk}/edit").content.decode()
    assert f"{point.code} 06:00-06:30" in form
    assert _post(client, f"/tracking/plans/{plan.pk}/edit", vehicle=truck, name="试行",
                 points=f"{station.code} 05:00-05:40\n{point.code} 06:00-06:30").status_code == 302
    assert [p.site for p in CollectionPlan.objects.get(pk=plan.pk).points.order_by("seq")] == [station, point]
    assert client.post(f"/tracking/plans/{plan.pk}/active", {"active": "0"}).status_code == 302
    assert CollectionPlan.objects.get(pk=plan.pk).is_active is False
    assert AuditRecord.objects.filter(object_pk=str(plan.pk), content_type__model="collectionplan", action="disable").exists()


def test_another_countys_plan_is_not_found_and_without_the_permission_the_page_refuses(
        page_client, city_admin, no_permission_user, django_user_model):
    plan = collection_plan_save(actor=city_admin, vehicle=vehicle_of("0200"), name="试行", weekdays="1",
                                points=[(site_of("dropoff"), *_window("06:00", "06:30"))])
    huangyan = page_client(django_user_model.objects.get(username="huangyan_admin"))
    assert huangyan.get(f"/tracking/plans/{plan.pk}/edit").status_code == 404
    assert huangyan.post(f"/tracking/plans/{plan.pk}/active", {"active": "0"}).status_code == 404
    assert page_client(no_permission_user).get("/tracking/plans/new").status_code == 403
