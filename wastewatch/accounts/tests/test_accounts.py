"""Logins, lockout, password policy, tokens and data scope, through the HTTP API and the pages."""
import pytest
from django.test import Client, override_settings

from wastewatch.accounts.models import ApiToken, LoginEvent, Role, User
from wastewatch.registry.models import Vehicle

pytestmark = pytest.mark.django_db


def login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_login_records_history_and_opens_the_home_page(password):
    client = Client()
    response = login(client, "city_admin", password)
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert LoginEvent.objects.filter(username="city_admin", outcome="success").exists()


@override_settings(LOGIN_LOCKOUT_FAILURES=3)
def test_repeated_failures_lock_the_account_even_with_the_right_password(password):
    client = Client()
    for _ in range(3):
        assert "账号或密码错误" in login(client, "inspector", "wrong-password").content.decode()
    response = login(client, "inspector", password)
    assert response.status_code == 200 and "已锁定" in response.content.decode()
    token = Client().post("/api/v1/accounts/token", {"username": "inspector", "password": password}, content_type="application/json")
    assert token.status_code == 403 and token.json()["code"] == "locked"
    assert LoginEvent.objects.filter(username="inspector", outcome="locked").count() == 2


def test_password_policy_is_enforced_in_chinese(street_staff, page_client, password):
    client = page_client(street_staff)
    response = client.post("/accounts/me/", {"action": "password", "old_password": password, "new_password": "abcdefghij", "new_password2": "abcdefghij"})
    assert "至少三种" in response.content.decode()
    street_staff.refresh_from_db()
    assert street_staff.check_password(password)
    response = client.post("/accounts/me/", {"action": "password", "old_password": password, "new_password": "Kx9#tz-2026a", "new_password2": "Kx9#tz-2026a"})
    assert response.status_code == 302
    street_staff.refresh_from_db()
    assert street_staff.check_password("Kx9#tz-2026a")


def test_tokens_are_stored_hashed_and_can_be_revoked(county_admin, api_client):
    client = api_client(county_admin)
    raw = client.defaults["HTTP_AUTHORIZATION"].split()[1]
    assert client.get("/api/v1/accounts/me").json()["region"] == "331002000000"
    token = ApiToken.objects.get(user=county_admin)
    assert token.digest != raw and raw not in token.digest
    page = Client()
    page.force_login(county_admin)
    page.post("/accounts/me/", {"action": "revoke", "token": token.pk})
    assert client.get("/api/v1/accounts/me").status_code == 401


def test_nobody_grants_more_than_they_hold(county_admin, api_client, password):
    helper_role = Role.objects.create(code="desk", name="窗口", actions=["accounts.view", "accounts.add", "registry.view"])
    desk = User(username="desk", role=helper_role, region_id="331002000000")
    desk.set_password(password)
    desk.save()
    payload = {"username": "new_admin", "role": "county_admin", "region": "331002000000"}
    response = api_client(desk).post("/api/v1/accounts/users/", payload, content_type="application/json")
    assert response.status_code == 400
    assert any(d["field"] == "role" for d in response.json()["details"])


def test_county_admin_cannot_hand_out_logins_beyond_their_county(county_admin, api_client):
    for region in ("331000000000", "331003000000"):
        payload = {"username": "new_user", "role": "street_staff", "region": region}
        response = api_client(county_admin).post("/api/v1/accounts/users/", payload, content_type="application/json")
        assert response.status_code == 400 and "权限范围" in response.json()["details"][0]["reason"]
    payload = {"username": "new_user", "role": "street_staff", "region": "331002001000"}
    assert api_client(county_admin).post("/api/v1/accounts/users/", payload, content_type="application/json").status_code == 201


def test_reset_password_hands_out_a_working_initial_password(county_admin, page_client):
    client = page_client(county_admin)
    response = client.post("/accounts/users/street_staff/password/")
    initial = response.context["password"]
    assert User.objects.get(username="street_staff").check_password(initial)
    assert client.post("/accounts/users/huangyan_admin/password/").status_code == 404


def test_hauler_sees_only_its_own_vehicles(hauler_user, api_client):
    items = api_client(hauler_user).get("/api/v1/registry/vehicles/", {"page_size": 200}).json()["items"]
    own = set(Vehicle.objects.filter(hauler=hauler_user.organisation).values_list("plate", flat=True))
    assert {v["plate"] for v in items} == own and own
    other = Vehicle.objects.exclude(hauler=hauler_user.organisation).first()
    assert api_client(hauler_user).get(f"/api/v1/registry/vehicles/{other.plate}").status_code == 404


def test_county_admin_lists_only_their_county(county_admin, api_client):
    body = api_client(county_admin).get("/api/v1/registry/estates/", {"page_size": 200}).json()
    assert body["count"] > 0
    assert all(item["region"].startswith("331002") for item in body["items"])


def test_a_user_without_role_sees_nothing(db, password):
    user = User(username="orphan")
    user.set_password(password)
    user.save()
    client = Client()
    client.force_login(user)
    assert client.get("/registry/estates/").status_code == 403
    assert Role.objects.filter(code="city_admin").exists()
