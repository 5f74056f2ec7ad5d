"""A county officer in a real browser (Debian's chromium) follows an estate's waste on the Sankey chart, then
checks the day's mass balance."""
import pytest

from wastewatch.core.testing import SHOTS, log_in
from wastewatch.ledger.tests.test_balance_and_trace import DAY, book_day_of_waste

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def traced_day(live_demo_city, chain):
    """The chain's day (estate → station → plant → bottom ash), written before the browser starts."""
    return book_day_of_waste(chain)


def test_the_officer_follows_an_estates_waste_on_the_sankey_chart(traced_day, browser_page, live_server):
    page, base, chain = browser_page, live_server.url, traced_day
    log_in(page, base, "jiaojiang_admin")
    page.goto(f"{base}/ledger/trace/?direction=forward&code={chain.estate.code}&day_from={DAY}&day_to={DAY}")
    page.wait_for_selector("#sankey[data-rendered='1']")
    assert page.locator("#sankey canvas").count() == 1
    assert "台州市建材综合利用有限公司" in page.locator("#links").inner_text()
    page.screenshot(path=str(SHOTS / "ledger-trace-sankey.png"), full_page=True)

    page.goto(f"{base}/ledger/balance/?day_from={DAY}&day_to={DAY}")
    assert chain.transfer.name in page.locator("#sites").inner_text()
    page.screenshot(path=str(SHOTS / "ledger-balance.png"), full_page=True)
