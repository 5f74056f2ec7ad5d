"""The city office in a real browser (Debian's chromium): the county × interface matrix, a click through to
a county's rejected records, the county page; a county admin on a phone sees only their county."""
import pytest

from wastewatch.core.testing import SHOTS, log_in
from wastewatch.interfaces import health
from wastewatch.interfaces.tests.conftest import JIAOJIANG, SANMEN, TIANTAI

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_city_follows_a_rejection_from_the_matrix_to_its_reason(live_demo_city, week_of_flows, browser_page, live_server):
    page, base = browser_page, live_server.url
    log_in(page, base, "city_admin")
    page.goto(base + "/interfaces/health/")
    row = page.locator("tr", has=page.locator("th", has_text="天台县"))
    assert row.locator(f'[data-status="{health.ONBOARDING}"]').count() == 1
    assert page.locator("tr", has=page.locator("th", has_text="三门县")).locator(f'[data-status="{health.INTERRUPTED}"]').count() == 1
    assert page.locator("tr", has=page.locator("th", has_text="椒江区")).locator(f'[data-status="{health.LIVE}"]').count() == 1
    page.screenshot(path=str(SHOTS / "health-matrix.png"), full_page=True)

    row.locator(f'[data-status="{health.ONBOARDING}"]').click()
    page.wait_for_url(f"**/interfaces/batches/?county={TIANTAI}&interface=estate&rejected=1")
    page.locator("tbody tr a").first.click()
    page.wait_for_selector("text=坏编码")
    assert "unitCode" in page.content()
    page.screenshot(path=str(SHOTS / "batch-rejections.png"), full_page=True)

    page.goto(f"{base}/interfaces/health/{SANMEN}/")
    assert page.locator(".badge", has_text="逾期").count() >= 1
    page.screenshot(path=str(SHOTS / "health-county.png"), full_page=True)


def test_a_county_admin_on_a_phone_sees_only_their_county(live_demo_city, week_of_flows, browser_page, live_server):
    page, base = browser_page, live_server.url
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, base, "jiaojiang_admin")
    page.goto(base + "/interfaces/health/")
    assert page.locator("tbody th").all_inner_texts() == ["椒江区"]
    page.screenshot(path=str(SHOTS / "health-phone.png"), full_page=True)
    assert page.goto(f"{base}/interfaces/health/{SANMEN}/").status == 404
    assert page.goto(f"{base}/interfaces/health/{JIAOJIANG}/").status == 200
