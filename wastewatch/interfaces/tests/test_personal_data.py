"""Personal data in pushed records (rule 8): encrypted in the archive, the record store and the relay outbox;
masked on the batch page for those without core.view_personal; sent in clear only to the province."""
import pytest
from django.db import connection

from wastewatch.accounts.models import User
from wastewatch.interfaces.models import InterfaceRecord, PushBatch, RelayMessage
from wastewatch.interfaces.tests.conftest import COMMUNITY, estate
from wastewatch.interfaces.tests.conftest import signed_push as push

pytestmark = pytest.mark.django_db
PHONE, NAME = "13905769876", "欧阳秀兰"


def raw_rows(table, column):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table}")
        return " ".join(str(row[0]) for row in cursor.fetchall())


def test_names_and_phones_are_not_stored_in_clear(county_system):
    push(county_system, "estate", [estate(700050, officer=NAME, officerMobile=PHONE)])
    for table, column in (("interfaces_pushbatch", "body"), ("interfaces_interfacerecord", "data"), ("interfaces_relaymessage", "payload")):
        stored = raw_rows(table, column)
        assert stored and PHONE not in stored and NAME not in stored, table
    assert InterfaceRecord.objects.get(key=f"{COMMUNITY}700050").data["officerMobile"].startswith("sm4:")
    assert PHONE in PushBatch.objects.latest("id").body  # the application reads it back
    assert RelayMessage.objects.latest("id").payload["officer"].startswith("sm4:")


def test_a_retry_of_a_record_with_personal_data_is_unchanged(county_system):
    record = estate(700051, officer=NAME, officerMobile=PHONE)
    push(county_system, "estate", [record])
    assert push(county_system, "estate", [{**record, "uid": "again"}]).json()["results"][0]["status"] == "unchanged"


def test_the_batch_page_masks_personal_data_without_the_permission(county_system, page_client, city_admin):
    auditor = User.objects.get(username="auditor")  # may read the archive, not personal data
    batch_id = push(county_system, "estate", [estate(700052, officer=NAME, officerMobile=PHONE)]).json()["batchId"]
    full = page_client(city_admin).get(f"/interfaces/batches/{batch_id}/").content.decode()
    assert PHONE in full and NAME in full
    masked = page_client(auditor).get(f"/interfaces/batches/{batch_id}/").content.decode()
    assert "139****9876" in masked and "欧**兰" in masked and PHONE not in masked
    assert f"/interfaces/batches/{batch_id}/" in page_client(city_admin).get(f"/interfaces/batches/?q={COMMUNITY}700052").content.decode()
