"""The registry pages: Chinese validation messages at the field, enable/disable, history on the detail page."""
import pytest

from wastewatch.core.models import AuditRecord
from wastewatch.registry.models import Estate, Vehicle

pytestmark = pytest.mark.django_db


def test_bad_form_input_is_shown_at_the_field_and_nothing_is_saved(county_admin, page_client):
    client = page_client(county_admin)
    before = Vehicle.objects.count()
    response = client.post("/registry/vehicles/add/", {"plate": "123", "capacity_t": "-1", "region": "331003000000"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "车牌号格式不正确" in html
    assert 'data-error-for="capacity_t"' in html
    assert Vehicle.objects.count() == before


def test_edit_page_saves_and_the_detail_page_shows_who_changed_what(county_admin, page_client):
    client = page_client(county_admin)
    estate = Estate.objects.filter(region__code__startswith="331002").first()
    form = client.get(f"/registry/estates/{estate.code}/edit/").context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items() if v is not False}
    data["name"] = "改名后的小区"
    response = client.post(f"/registry/estates/{estate.code}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    detail = client.get(f"/registry/estates/{estate.code}/").content.decode()
    assert "改名后的小区" in detail and "jiaojiang_admin" in detail and "修改" in detail
    record = AuditRecord.objects.filter(object_pk=str(estate.pk), action="update", source="page").get()
    assert record.before["name"] == estate.name and record.after["name"] == "改名后的小区"


def test_disable_keeps_the_record_and_its_references(county_admin, page_client):
    client = page_client(county_admin)
    estate = Estate.objects.filter(region__code__startswith="331002", sites__isnull=False).first()
    client.post(f"/registry/estates/{estate.code}/toggle/")
    estate.refresh_from_db()
    assert estate.is_active is False and estate.sites.exists()
    listing = client.get("/registry/estates/", {"is_active": "0"}).content.decode()
    assert estate.code in listing
