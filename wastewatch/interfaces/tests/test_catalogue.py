"""The interface catalogue: 35 well-formed specs, examples that validate, Chinese rules, and the guide built from them."""
import copy
import re

import pytest
from pydantic import ValidationError

from wastewatch.interfaces import catalogue, push
from wastewatch.interfaces.catalogue import codes, docs
from wastewatch.interfaces.catalogue.spec import Record

SPECS = catalogue.all_specs()
CJK = re.compile(r"[\u4e00-\u9fff]")


def errors_of(spec, **changes):
    data = {**copy.deepcopy(spec.example), **changes}
    with pytest.raises(ValidationError) as raised:
        spec.record.model_validate(data)
    return raised.value.errors()


def test_the_taizhou_list_has_35_interfaces_22_of_them_provincial():
    assert len(SPECS) == 35
    assert [s.number for s in SPECS] == list(range(1, 36))
    assert [s.number for s in catalogue.provincial()] == list(range(1, 23))
    assert all(not s.provincial for s in SPECS[22:])
    assert len({s.code for s in SPECS}) == 35
    assert all(re.fullmatch(r"[a-z][a-z0-9-]*", s.code) for s in SPECS)
    assert catalogue.get("estate") is catalogue.CATALOGUE["estate"] and catalogue.get("estate").name == "小区信息"


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.code)
def test_the_example_is_a_valid_record(spec):
    record = spec.record.model_validate(spec.example)
    assert issubclass(spec.record, Record)
    assert record.orgCode == spec.example["orgCode"] and len(record.orgCode) == 12
    assert spec.frequency in ("daily", "realtime") and spec.lands_in.split(":")[0] in ("registry", "ledger", "tracking", "events")


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.code)
def test_every_field_is_described_in_chinese_and_has_a_rule(spec):
    for row in docs.field_rows(spec):
        assert CJK.search(row["description"] or ""), f"{spec.code}.{row['name']} has no Chinese description"
        assert row["type"] and row["rule"] and row["required"] in ("是", "否")
    assert [r["name"] for r in docs.field_rows(spec)][:3] == ["uid", "operation", "orgCode"]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.code)
def test_business_keys_and_references_resolve(spec):
    fields = spec.record.model_fields
    assert spec.business_key and all(f in fields for f in spec.business_key)
    assert all(fields[f].is_required() or f.endswith("Time") for f in spec.business_key)
    for ref in spec.references:
        assert ref.field in fields
        target = catalogue.get(ref.spec_code)
        assert len(target.business_key) == 1 and target.business_key[0] in target.record.model_fields
        if ref.when:
            assert ref.when[0] in fields


def test_conditional_references_apply_only_to_their_case():
    spec = catalogue.get("haul-away")
    applying = [r.spec_code for r in spec.references if r.field == "transferPointCode" and r.applies(spec.example)]
    assert applying == ["facility"]


@pytest.mark.parametrize("code", ["sorting-intake", "facility-intake"])
def test_a_weighing_whose_net_is_not_gross_minus_tare_is_rejected(code):
    spec = catalogue.get(code)
    errors = errors_of(spec, weight=float(spec.example["weight"]) + 0.5)
    assert [e["loc"] for e in errors] == [("weight",)]
    assert "净重 weight" in errors[0]["msg"] and "毛重 totalWeight" in errors[0]["msg"] and "皮重 actualWeight" in errors[0]["msg"]
    spec.record.model_validate({**spec.example, "weight": float(spec.example["weight"]) + 0.01})


def test_a_weighing_net_is_at_most_60_tonnes():
    spec = catalogue.get("facility-intake")
    errors = errors_of(spec, totalWeight=80, actualWeight=15, weight=65)
    assert errors[0]["loc"] == ("weight",) and "不大于 60" in errors[0]["msg"]


def test_an_unknown_code_is_rejected_listing_the_allowed_values():
    errors = errors_of(catalogue.get("facility"), processType="9")
    assert errors[0]["loc"] == ("processType",)
    assert "“9”" in errors[0]["msg"] and "处置类型" in errors[0]["msg"]
    assert all(f"{code}={label}" in errors[0]["msg"] for code, label in codes.PROCESS_TYPE.codes.items())


def test_integer_codes_are_normalised_and_booleans_are_not_codes():
    spec = catalogue.get("facility")
    assert spec.record.model_validate({**spec.example, "processType": 1, "state": 1}).processType == "1"
    assert errors_of(spec, videoMonitor=True)[0]["loc"] == ("videoMonitor",)


@pytest.mark.parametrize("field, value, words", [
    ("inTime", "2025-02-30 10:00:00", "yyyy-MM-dd HH:mm:ss"),
    ("inTime", "2025-04-25T10:00:00", "Asia/Shanghai"),
    ("carNo", "ABC123", "车牌号"),
    ("processCode", "33100200500000001", "18 位"),
    ("sendOrgCode", 331002000000, "12 位"),
])
def test_formats_are_checked_with_a_chinese_message(field, value, words):
    errors = errors_of(catalogue.get("facility-intake"), **{field: value})
    assert errors[0]["loc"] == (field,) and words in errors[0]["msg"]


def test_an_entity_code_starts_with_its_org_code():
    errors = errors_of(catalogue.get("estate"), unitCode="331002001002000001")
    assert errors[0]["loc"] == ("unitCode",) and "orgCode" in errors[0]["msg"]


def test_cross_field_rules_name_the_fields():
    assert "transferTime" in errors_of(catalogue.get("staging-job"), transferTime=None)[0]["msg"]
    assert "gpsNo" in errors_of(catalogue.get("vehicle"), gpsNo=None)[0]["msg"]
    assert "dumpCode" in errors_of(catalogue.get("video-device"), dumpCode="331002001001000101")[0]["msg"]
    assert "lineCount" in errors_of(catalogue.get("facility-operation"), runningLines=4)[0]["msg"]


def test_unknown_fields_and_coordinates_outside_china_are_rejected():
    spec = catalogue.get("estate")
    assert errors_of(spec, unitname="东海花园")[0]["type"] == "extra_forbidden"
    assert errors_of(spec, lon="200")[0]["loc"] == ("lon",)
    assert errors_of(spec, coordSystem="CGCS2000")[0]["loc"] == ("coordSystem",)
    assert spec.record.model_validate({**spec.example, "coordSystem": "BD09"}).coordSystem == "BD09"


def test_examples_are_signed_and_answered_in_the_documented_shape():
    spec = catalogue.get("vehicle")
    request = docs.example_request(spec)
    assert request["body"] == {"records": [spec.example]} and request["path"] == "/api/v1/push/vehicle"
    assert {"X-App-Key", "X-Timestamp", "X-Nonce", "X-Signature"} <= set(request["headers"])
    assert re.fullmatch(r"[0-9a-f]{64}", request["headers"]["X-Signature"])
    accepted = docs.example_response(spec)
    assert (accepted["accepted"], accepted["rejected"], accepted["results"][0]["status"]) == (1, 0, "accepted")
    rejected = docs.example_response(spec, rejected=True)
    assert rejected["rejected"] == 1 and rejected["results"][0]["errors"][0]["field"] == "code"


def test_error_codes_cover_the_protocol():
    table = {e["code"]: e for e in docs.error_codes()}
    assert set(table) == {
        "unauthenticated", "bad_signature", "expired_timestamp", "replayed_nonce", "client_revoked", "unknown_interface",
        "too_many_records", "invalid_body", *push.RECORD_CODES,
    }
    assert "1000" in table["too_many_records"]["meaning"] and table["too_many_records"]["status"] == 413
    assert all(CJK.search(e["meaning"]) for e in table.values())


def test_the_guide_is_one_document_with_every_interface():
    html = docs.render_guide()
    assert html.startswith("<!doctype html>") and "core/base.html" not in html and "<link" not in html
    for spec in SPECS:
        assert spec.name in html and f'id="if-{spec.code}"' in html
    for table in codes.TABLES:
        assert table.name in html
    assert docs.example_request(catalogue.get("estate"))["headers"]["X-Signature"] in html
