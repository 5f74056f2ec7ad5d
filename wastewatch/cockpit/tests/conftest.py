import pytest

from wastewatch.reports.tests.conftest import LedgerStretch, api_client, issued_tokens  # noqa: F401 (fixtures)


@pytest.fixture
def stretch(live_demo_city, city_admin):
    """The reports' simulated March 2025, built anew: the browser tests run on a transactional database that is
    emptied after each test."""
    return LedgerStretch(city_admin).build()
