"""One error body everywhere: code, Chinese message, details naming the field."""
import pytest

pytestmark = pytest.mark.django_db


def test_form_errors_name_the_field_in_chinese(city_admin, api_client):
    response = api_client(city_admin).post(
        "/api/v1/registry/vehicles/", {"plate": "ABC", "capacity_t": 500, "hauler": "nope"}, content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and "未保存" in body["message"]
    fields = {d["field"]: d["reason"] for d in body["details"]}
    assert "车牌号格式不正确" in fields["plate"]
    assert {"capacity_t", "hauler", "vehicle_type", "category", "region"} <= set(fields)


def test_wrong_types_are_said_in_chinese(city_admin, api_client):
    response = api_client(city_admin).post("/api/v1/registry/estates/", {"households": "many", "bogus": 1}, content_type="application/json")
    assert response.status_code == 422
    details = {d["field"]: d["reason"] for d in response.json()["details"]}
    assert details["households"] == "应为整数"
    assert details["bogus"] == "不认识的字段"


def test_unknown_record_is_404_with_the_error_body(city_admin, api_client):
    response = api_client(city_admin).get("/api/v1/registry/estates/331002001001999999")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_openapi_documents_every_registry_type(client):
    schema = client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/registry/estates/", "/api/v1/registry/sites/{key}", "/api/v1/accounts/users/import"):
        assert path in schema["paths"]
