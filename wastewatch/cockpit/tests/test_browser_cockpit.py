"""The six dashboards in headless chromium at 1920×1080, in one browser session: each draws its charts with the
numbers its API gives, and a screenshot of each lands in var/screenshots/; a click on a county drills down to that
county, whose map draws its streets' indicative areas with the streets' figures."""
import json

import pytest
from django.test import Client

from wastewatch.core.testing import SHOTS, log_in
from wastewatch.cockpit.data import THEMES
from wastewatch.registry.models import Estate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
JIAOJIANG = "331002000000"


def _drawn(page, selector):
    return json.loads(page.get_attribute(selector, "data-values"))


def _settled(page):
    """The map and the three charts have drawn and finished their entry animation."""
    for chart in ("#map", "#c1", "#c2", "#c3"):
        page.wait_for_selector(f"{chart}[data-ready='1'][data-finished='1']", state="attached", timeout=20000)


def test_each_dashboard_draws_the_numbers_of_its_api_and_the_map_drills_down(live_demo_city, stretch, city_admin, browser_page,
                                                                              live_server):
    api = Client()
    api.force_login(city_admin)
    expected = {t: api.get(f"/api/v1/cockpit/{t}?at=2025-03").json() for t in THEMES}
    county = api.get(f"/api/v1/cockpit/results?region={JIAOJIANG}&at=2025-03").json()
    inside = Estate.objects.filter(region__code__startswith=JIAOJIANG[:6], lon__isnull=False).order_by("code").first()
    page, base = browser_page, live_server.url
    page.set_viewport_size({"width": 1920, "height": 1080})
    log_in(page, base, "city_admin")
    for theme in THEMES:
        page.goto(f"{base}/cockpit/{theme}/?at=2025-03")
        _settled(page)
        drawn, body = _drawn(page, "#c3"), expected[theme]
        if theme in ("alerts", "workorders", "outlets"):
            assert drawn == [a["value"] for a in body["by_area"]]
        if theme == "results":
            assert drawn == [a["recycling_rate"] or 0 for a in body["by_area"]]
            assert _drawn(page, "#c1") == [c["value"] for c in body["by_category"]]
            assert _drawn(page, "#map") == [a["generated_t"] for a in body["by_area"]]
            assert any(v for v in drawn)
        page.screenshot(path=str(SHOTS / f"cockpit-{theme}.png"))

    # Still on the results dashboard: click 椒江区 where one of its estates lies.
    x, y = page.evaluate("([lon, lat]) => echarts.getInstanceByDom(document.getElementById('map')).convertToPixel({geoIndex: 0}, [lon, lat])",
                         [float(inside.lon), float(inside.lat)])
    box = page.locator("#map").bounding_box()
    with page.expect_navigation():
        page.mouse.click(box["x"] + x, box["y"] + y)
    assert f"region={JIAOJIANG}" in page.url
    _settled(page)
    assert _drawn(page, "#map") == [a["generated_t"] for a in county["by_area"]]
    assert "示意范围" in page.text_content("#map-note")
    streets = page.evaluate(f"() => echarts.getMap('area-{JIAOJIANG}').geoJSON.features.map(f => f.properties.code)")
    assert streets and all(code.startswith(JIAOJIANG[:6]) for code in streets)
    page.screenshot(path=str(SHOTS / "cockpit-results-county.png"))
