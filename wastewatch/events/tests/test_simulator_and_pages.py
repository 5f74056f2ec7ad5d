"""The simulator's camera scenario against a live server over real HTTP, and the pages people open every day."""
import pytest

from wastewatch.accounts.models import User
from wastewatch.events.models import Alert, WorkOrder
from wastewatch.events.services.workorders import work_orders_escalate


@pytest.mark.django_db(transaction=True)
def test_the_simulated_day_closes_one_order_merges_a_repeat_and_escalates_the_late_one(events_reference, live_server, settings, tmp_path):
    from wastewatch.simulator.feed import cameras

    said = []
    outcome = cameras.play(live_server.url, said.append)
    assert outcome, said
    closed = WorkOrder.objects.get(number=outcome["closed"])
    assert closed.status == "closed" and Alert.objects.get(pk=closed.alert_id).status == "resolved"
    assert outcome["merged_count"] == 2
    late = WorkOrder.objects.get(number=outcome["overdue"])
    assert work_orders_escalate(now=late.deadline + (late.deadline - late.dispatched_at) / 10) == 1
    late.refresh_from_db()
    assert late.escalated_to_id == late.region_code[:9] + "000"


@pytest.mark.django_db
def test_the_pages_open_for_staff_and_an_outsider_gets_404(camera_platform, camera, page_client, city_admin, django_capture_on_commit_callbacks):
    from .conftest import camera_push, event

    with django_capture_on_commit_callbacks(execute=True):
        alert_id = camera_push(camera_platform, event(camera, "page-1")).json()["alertId"]
    order = WorkOrder.objects.get(alert_id=alert_id)
    client = page_client(city_admin)
    for url in ["/events/alerts/", "/events/alerts/map/", "/events/alerts/points.json", f"/events/alerts/{alert_id}/", "/events/orders/",
                f"/events/orders/{order.number}/", "/events/orders/mine/", "/events/stats/", "/events/inspections/", "/events/plans/",
                "/events/plans/YA-HZ-01/", "/events/plans/new/", "/events/rules/", "/events/checklists/", "/events/evidence/verify/"]:
        assert client.get(url).status_code == 200, url
    detail = client.get(f"/events/alerts/{alert_id}/").content.decode()
    assert camera.stream_url in detail and "导出取证包" in detail
    outsider = page_client(User.objects.get(username="huangyan_admin"))
    assert outsider.get(f"/events/alerts/{alert_id}/").status_code == 404
    assert outsider.get(f"/events/orders/{order.number}/").status_code == 404
