"""Shared fixtures: the small demo city is loaded once per test database, through the real loader."""
import pytest
from django.test import Client

from wastewatch.accounts.models import Role, User
from wastewatch.core.testing import chromium_page
from wastewatch.simulator.democity import DEMO_PASSWORD, DemoCity


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        DemoCity("small").load()


@pytest.fixture
def password():
    return DEMO_PASSWORD


def _user(username):
    return User.objects.select_related("role", "region").get(username=username)


@pytest.fixture
def city_admin(db):
    return _user("city_admin")


@pytest.fixture
def county_admin(db):
    """Administrator of 椒江区 (331002)."""
    return _user("jiaojiang_admin")


@pytest.fixture
def street_staff(db):
    return _user("street_staff")


@pytest.fixture
def hauler_user(db):
    return _user("hauler")


@pytest.fixture
def no_permission_user(db):
    role = Role.objects.create(code="nothing", name="无权限", actions=[], binding="region")
    user = User(username="nobody", role=role, region_id="331000000000")
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


@pytest.fixture
def api_client():
    """An API client that authenticates with a real token issued by the API."""

    def make(user):
        client = Client()
        response = client.post(
            "/api/v1/accounts/token", {"username": user.username, "password": DEMO_PASSWORD}, content_type="application/json"
        )
        assert response.status_code == 201, response.content
        client.defaults["HTTP_AUTHORIZATION"] = "Bearer " + response.json()["token"]
        return client

    return make


@pytest.fixture
def page_client():
    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def live_demo_city(live_server):
    """The live test server's database is transactional, emptied after each test: it gets the demo city anew."""
    DemoCity("small").load()


@pytest.fixture
def browser_page(live_demo_city):
    """Headless chromium on the live test server.

    Ask for fixtures that write to the database before this one: while Playwright's loop runs in the test's
    thread, Django's ORM there gets a connection of its own that pytest-django never closes."""
    with chromium_page() as page:
        yield page
