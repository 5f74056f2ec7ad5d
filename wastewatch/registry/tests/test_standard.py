"""The standard checks every registry type gets, generated from its Resource:
anonymous, no permission, permitted, out of scope (404), audit written, import/export round trip."""
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from wastewatch.core.models import AuditRecord
from wastewatch.core.records import to_dict
from wastewatch.core.resources import all_resources

pytestmark = pytest.mark.django_db
RESOURCES = all_resources()
IDS = [r.slug for r in RESOURCES]


def api_url(resource, key=""):
    return f"/api/v1/{resource.app_label}/{resource.slug}/" + (f"{key}" if key else "")


def page_url(resource, key=""):
    return f"/{resource.app_label}/{resource.slug}/" + (f"{key}/" if key else "")


def new_key(resource, old):
    """A natural key not used yet, well formed for the type."""
    if resource.slug == "vehicles":
        return "浙JZ9" + old[-3:] + "9"
    if resource.slug == "organisations":
        return old[:-4] + "999X"
    if resource.slug == "regions":
        return old[:9] + "998"
    if resource.slug == "users":
        return "new_" + old
    if resource.slug == "waste-categories":
        return "0499"
    return old[:-3] + "999"


def sample(resource, *, prefix="331002"):
    """A record of the type inside 椒江区 (or any, for shared reference data)."""
    qs = resource.base_queryset()
    if resource.slug == "regions":
        return qs.filter(level="community", code__startswith=prefix).first()
    if resource.slug == "users":
        return qs.filter(username="street_staff").first() if prefix == "331002" else qs.filter(username="huangyan_admin").first()
    if resource.region_field:
        return qs.filter(**{f"{resource.region_field.removesuffix('_id')}__code__startswith" if resource.region_field.endswith("_id") else f"{resource.region_field}__startswith": prefix}).first()
    return qs.first()


def endpoints(resource, key):
    """Every API operation and page of the type, as (method, url)."""
    api, page = api_url(resource), page_url(resource)
    return [
        ("get", api), ("get", api + key), ("get", api + key + "/history"), ("post", api), ("patch", api + key),
        ("post", api + key + "/disable"), ("post", api + key + "/enable"), ("get", api + "export"), ("get", api + "template"),
        ("post", api + "import"),
        ("get", page), ("get", page + key + "/"), ("get", page + "add/"), ("post", page + "add/"), ("get", page + key + "/edit/"),
        ("post", page + key + "/toggle/"), ("get", page + "export/"), ("get", page + "import/"), ("get", page + "template/"),
    ]


def sample_key(resource):
    return str(to_dict(resource, sample(resource))[resource.natural_key])


@pytest.mark.parametrize("resource", RESOURCES, ids=IDS)
def test_anonymous_is_refused_everywhere(resource, client):
    for method, url in endpoints(resource, sample_key(resource)):
        response = getattr(client, method)(url)
        if url.startswith("/api/"):
            assert response.status_code == 401, url
            assert response.json()["code"] == "unauthenticated"
        else:
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


@pytest.mark.parametrize("resource", RESOURCES, ids=IDS)
def test_without_permission_is_forbidden_everywhere(resource, no_permission_user, api_client, page_client):
    api, page = api_client(no_permission_user), page_client(no_permission_user)
    for method, url in endpoints(resource, sample_key(resource)):
        client = api if url.startswith("/api/") else page
        if url.endswith("/import"):
            response = client.post(url, {"file": SimpleUploadedFile("a.csv", b"x")})
        elif method in ("post", "patch") and url.startswith("/api/"):
            response = getattr(client, method)(url, "{}", content_type="application/json")
        else:
            response = getattr(client, method)(url)
        assert response.status_code == 403, (method, url, response.status_code)


@pytest.mark.parametrize("resource", RESOURCES, ids=IDS)
def test_permitted_user_lists_and_reads(resource, city_admin, api_client, page_client):
    obj = sample(resource)
    key = to_dict(resource, obj)[resource.natural_key]
    api = api_client(city_admin)
    listing = api.get(api_url(resource), {"page_size": 5})
    assert listing.status_code == 200
    assert listing.json()["count"] >= 1
    detail = api.get(api_url(resource, key))
    assert detail.status_code == 200 and detail.json()[resource.natural_key] == key
    page = page_client(city_admin)
    assert page.get(page_url(resource)).status_code == 200
    assert page.get(page_url(resource, key)).status_code == 200


@pytest.mark.parametrize("resource", [r for r in RESOURCES if r.region_field], ids=[r.slug for r in RESOURCES if r.region_field])
def test_out_of_scope_answers_404(resource, county_admin, api_client, page_client):
    outside = sample(resource, prefix="331003")  # 黄岩区, outside 椒江区
    assert outside is not None
    key = to_dict(resource, outside)[resource.natural_key]
    api = api_client(county_admin)
    assert api.get(api_url(resource, key)).status_code == 404
    assert api.patch(api_url(resource, key), {}, content_type="application/json").status_code == 404
    assert page_client(county_admin).get(page_url(resource, key)).status_code == 404
    keys = [item[resource.natural_key] for item in api.get(api_url(resource), {"q": key}).json()["items"]]
    assert key not in keys


@pytest.mark.parametrize("resource", RESOURCES, ids=IDS)
def test_create_update_disable_write_audit(resource, city_admin, api_client):
    source = sample(resource)
    data = to_dict(resource, source, reveal_pii=True, extra=False)
    key = new_key(resource, data[resource.natural_key])
    data[resource.natural_key] = key
    if resource.slug == "estates" or resource.slug == "sites":
        data["code"] = data["region"] + "999999"
        key = data["code"]
    api = api_client(city_admin)
    created = api.post(api_url(resource), data, content_type="application/json")
    assert created.status_code == 201, created.json()
    obj = resource.model.objects.get(**{resource.natural_key: key})
    trail = AuditRecord.objects.filter(object_pk=str(obj.pk), content_type__model=resource.model._meta.model_name)
    assert trail.filter(action="create", actor=city_admin, source="api").exists()

    editable = next(n for n in ("name", "address", "room_no", "note", "licence_no", "terminal_id", "stream_url", "real_name", "hours")
                    if n in resource.fields and n != resource.natural_key)
    updated = api.patch(api_url(resource, key), {editable: "改后的值"}, content_type="application/json")
    assert updated.status_code == 200, updated.json()
    change = trail.get(action="update")
    assert change.after[editable] != change.before[editable]

    assert api.post(api_url(resource, key) + "/disable").json()["is_active"] is False
    assert api.post(api_url(resource, key) + "/enable").json()["is_active"] is True
    assert set(trail.values_list("action", flat=True)) == {"create", "update", "disable", "enable"}
    history = api.get(api_url(resource, key) + "/history").json()
    assert [h["action"] for h in history][-1] == "create"


@pytest.mark.parametrize("resource", RESOURCES, ids=IDS)
def test_export_then_import_round_trips(resource, city_admin, api_client):
    obj = sample(resource)
    key = to_dict(resource, obj)[resource.natural_key]
    api = api_client(city_admin)
    exported = api.get(api_url(resource) + "export", {"q": key, "format": "xlsx"})
    assert exported.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(exported.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == resource.field_label(resource.fields[0])
    assert any(str(r[resource.fields.index(resource.natural_key)]) == str(key) for r in rows[1:])
    upload = io.BytesIO(exported.content)
    upload.name = "export.xlsx"
    result = api.post(api_url(resource) + "import?dry_run=false", {"file": upload})
    assert result.status_code == 200
    body = result.json()
    assert body["errors"] == [] and body["committed"] is True and body["created"] == 0
    before = to_dict(resource, obj, reveal_pii=True)
    obj.refresh_from_db()
    assert to_dict(resource, obj, reveal_pii=True) == before
