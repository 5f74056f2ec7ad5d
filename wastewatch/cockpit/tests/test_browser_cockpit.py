"""The six dashboards in headless chromium at 1920×1080: each draws its charts with the numbers its API gives, and a
screenshot of each lands in var/screenshots/."""
import json

import pytest
from django.test import Client

from wastewatch.core.testing import SHOTS, log_in
from wastewatch.cockpit.data import THEMES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_each_dashboard_draws_the_numbers_of_its_api(live_demo_city, stretch, city_admin, browser_page, live_server):
    api = Client()
    api.force_login(city_admin)
    expected = {t: api.get(f"/api/v1/cockpit/{t}?at=2025-03").json() for t in THEMES}
    page, base = browser_page, live_server.url
    page.set_viewport_size({"width": 1920, "height": 1080})
    log_in(page, base, "city_admin")
    for theme in THEMES:
        page.goto(f"{base}/cockpit/{theme}/?at=2025-03")
        page.wait_for_selector("#map[data-ready='1']", timeout=20000)
        page.wait_for_selector("#c1[data-ready='1']")
        drawn = json.loads(page.get_attribute("#c3", "data-values"))
        body = expected[theme]
        if theme in ("alerts", "workorders", "outlets"):
            assert drawn == [a["value"] for a in body["by_area"]]
        if theme == "results":
            assert drawn == [a["recycling_rate"] or 0 for a in body["by_area"]]
            assert json.loads(page.get_attribute("#c1", "data-values")) == [c["value"] for c in body["by_category"]]
            assert any(v for v in drawn)
        page.wait_for_timeout(1500)  # let the charts finish their entry animation
        page.screenshot(path=str(SHOTS / f"cockpit-{theme}.png"))
    page.locator("#map").click(position={"x": 600, "y": 300})
