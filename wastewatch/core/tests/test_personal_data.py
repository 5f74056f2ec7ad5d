"""Personal data is SM4-encrypted at rest and masked for roles without the permission to see it."""
import pytest
from django.db import connection

from wastewatch.core.crypto import sm3_hex, sm4_decrypt, sm4_encrypt
from wastewatch.core.masking import mask_id_number, mask_name, mask_phone
from wastewatch.registry.models import Staff

pytestmark = pytest.mark.django_db


def test_sm3_known_answer_and_sm4_round_trip():
    assert sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    token = sm4_encrypt("张三 13812345678")
    assert token.startswith("sm4:") and "138" not in token
    assert sm4_decrypt(token) == "张三 13812345678"
    assert sm4_encrypt("x") != sm4_encrypt("x")


def test_masks():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_name("王小明") == "王*明"
    assert mask_name("王明") == "王*"
    assert mask_id_number("331002199001011234") == "3310**********1234"


def test_database_holds_cipher_text_only():
    staff = Staff.objects.first()
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, phone, id_number FROM registry_staff WHERE id = %s", [staff.pk])
        raw = cursor.fetchone()
    assert all(value.startswith("sm4:") for value in raw)
    assert staff.phone not in "".join(raw)


def test_api_masks_unless_role_may_see(street_staff, county_admin, api_client):
    staff = Staff.objects.filter(region__code__startswith=street_staff.region_id[:9]).first()
    masked = api_client(street_staff).get(f"/api/v1/registry/staff/{staff.code}").json()
    assert masked["phone"] == mask_phone(staff.phone)
    assert masked["id_number"] == mask_id_number(staff.id_number)
    clear = api_client(county_admin).get(f"/api/v1/registry/staff/{staff.code}").json()
    assert clear["phone"] == staff.phone


def test_audit_trail_keeps_personal_data_masked(county_admin, api_client):
    staff = Staff.objects.filter(region__code__startswith="331002").first()
    response = api_client(county_admin).patch(f"/api/v1/registry/staff/{staff.code}", {"phone": "13900001111"}, content_type="application/json")
    assert response.status_code == 200
    from wastewatch.core.models import AuditRecord

    record = AuditRecord.objects.filter(object_pk=str(staff.pk), action="update").latest("at")
    assert record.after["phone"] == "139****1111"
