"""A county supervisor in a real browser (Debian's chromium): the vehicle map shows the live positions from the
event stream, and a truck's day replayed with its track, stops and plan — the skipped point marked missed."""
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from wastewatch.core.testing import SHOTS, log_in
from wastewatch.interfaces import catalogue
from wastewatch.simulator.feed import fleet, live
from wastewatch.tracking import checks
from wastewatch.tracking.geometry import SHANGHAI

from .conftest import push_fixes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def yesterday_pushed(live_demo_city, jiaojiang):
    day = timezone.now().astimezone(SHANGHAI).date() - timedelta(days=1)
    start = datetime(day.year, day.month, day.day, tzinfo=SHANGHAI)
    window = live.Window(start, start + timedelta(hours=12))
    push_fixes(jiaojiang, jiaojiang.live_records(catalogue.get("vehicle-gps"), window))
    checks.point_results_evaluate(now=start + timedelta(hours=12))
    return day, next(r for r in fleet.runs(jiaojiang.data, day) if "skipped_point" in r.anomalies)


def test_the_map_shows_live_positions_and_replays_a_day_with_its_missed_point(yesterday_pushed, browser_page, live_server):
    day, run = yesterday_pushed
    page, base = browser_page, live_server.url
    log_in(page, base, "jiaojiang_admin")
    page.goto(f"{base}/tracking/?plate={run.plate}&day={day.isoformat()}")
    page.wait_for_selector("#map[data-live]")
    page.wait_for_selector('#plan-rows tr[data-status="missed"]')
    assert int(page.locator("#map").get_attribute("data-live")) >= 3
    assert page.locator('#plan-rows tr[data-status="on_time"]').count() >= 2
    assert "停留点" in page.locator("#day-summary").inner_text()
    page.screenshot(path=str(SHOTS / "tracking-map.png"), full_page=True)
