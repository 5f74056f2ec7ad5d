"""The pages a plant operator, a hauler, a generator and a clerk fill in: a plant's daily figures, readings and
outputs; a manifest from its draft through each party's signature to a correction. Every form goes through the
services the interfaces use, so what the page enters raises the same alerts; a mistake is answered in Chinese
beside its field with everything typed kept; another county's plant or manifest is not there (404)."""
import re
from decimal import Decimal

import pytest

from wastewatch.accounts.models import User
from wastewatch.core.models import AuditRecord
from wastewatch.events.models import Alert
from wastewatch.ledger.models import FacilityOperation, FacilityOutput, Manifest, MonitoringReading, Movement
from wastewatch.registry.models import Site

from .test_manifests import parties  # noqa: F401


@pytest.fixture
def plant(db):
    """椒江's incinerator and the operator's account of the company that runs it."""
    operator = User.objects.get(username="plant_operator")
    site = Site.objects.get(kind="incineration", operator=operator.organisation)

    class Plant:
        pass

    Plant.site, Plant.operator, Plant.url = site, operator, f"/ledger/facilities/{site.code}/entry"
    return Plant


def entry(client, plant, form, **fields):
    return client.post(plant.url, {"form": form, **{f"{form}-{k}": v for k, v in fields.items()}})


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def test_a_reading_over_its_limit_entered_on_the_page_raises_its_alert(page_client, plant):
    client = page_client(plant.operator)
    page = client.get(plant.url)
    assert page.status_code == 200 and "二氧化硫" in text(page)
    response = entry(client, plant, "reading", at="2026-05-06T10:00", point="1#炉 L1", item="SO2", value="130")
    assert response.status_code == 302
    reading = MonitoringReading.objects.get(site=plant.site, item="SO2", point="1#炉 L1")
    assert reading.exceeded and reading.limit_value == 100
    alert = Alert.objects.get(kind="emission_exceeded", site=plant.site)
    assert "二氧化硫 130" in alert.title and "超过限值 100" in alert.title
    assert AuditRecord.objects.filter(source="page", object_pk=str(reading.pk)).exists()
    entry(client, plant, "reading", at="2026-05-06T11:00", point="1#炉 L1", item="TEMP", value="820")
    assert Alert.objects.filter(kind="furnace_temperature", site=plant.site).exists()


def test_a_day_over_design_capacity_and_its_power_are_entered_as_the_plants_operation(page_client, plant):
    client = page_client(plant.operator)
    response = entry(client, plant, "operation", at="2026-05-06T23:50", run_state="1", treated_t="1620", power_kwh="720000",
                     power_grid_kwh="610000", line_count="3", running_lines="3", stock_t="5000")
    assert response.status_code == 302
    row = FacilityOperation.objects.get(site=plant.site, source_interface="page")
    assert row.treated_t == 1620 and row.power_kwh == 720000 and str(row.day) == "2026-05-06"
    assert "超设计能力运行" in Alert.objects.get(kind="over_capacity", site=plant.site).title
    assert "运行数据已保存" in text(client.get(plant.url))


def test_an_output_with_its_destination_becomes_traceable_movements(page_client, plant):
    client = page_client(plant.operator)
    response = entry(client, plant, "output", at="2026-05-06T12:00", kind="02", amount="30", stock="5", dispatched_t="25",
                     destination="台州市建材综合利用有限公司", plate="浙J12345")
    assert response.status_code == 302
    assert FacilityOutput.objects.get(site=plant.site, kind="02").amount == 30
    produced = Movement.objects.get(from_site=plant.site, stage="output")
    dispatched = Movement.objects.get(from_site=plant.site, stage="output_out")
    assert produced.net_t == 30 and dispatched.net_t == 25 and dispatched.to_label == "台州市建材综合利用有限公司"
    assert dispatched.category_id == produced.category_id == "1003" and dispatched.plate == "浙J12345"


def test_bad_input_is_named_in_chinese_beside_its_field_and_everything_typed_stays(page_client, plant):
    client = page_client(plant.operator)
    entry(client, plant, "reading", at="2026-05-06T09:00", point="L1", item="NOX", value="180")
    response = entry(client, plant, "reading", at="2026-05-06T10:00", point="L2", item="NOX", value="一百八")
    html = text(response)
    assert response.status_code == 400 and "未保存" in html and "监测值：输入一个数字" in html
    assert 'value="L2"' in html and 'value="一百八"' in html and 'value="2026-05-06T10:00"' in html
    assert MonitoringReading.objects.filter(site=plant.site, point="L1", value=180).exists()  # the earlier one stays
    assert not MonitoringReading.objects.filter(site=plant.site, point="L2").exists()
    response = entry(client, plant, "output", at="2026-05-06T12:00", kind="01", amount="3", dispatched_t="3")
    html = text(response)
    assert response.status_code == 400 and "去向单位：填写了出厂量，须填写去向单位" in html and not FacilityOutput.objects.exists()
    response = entry(client, plant, "output", at="2026-05-06T12:00", kind="01", amount="3", dispatched_t="3",
                     destination="某填埋场", destination_code="91331000XXXXXXXX0X")
    html = text(response)
    assert response.status_code == 400 and "去向单位统一社会信用代码：接收单位“91331000XXXXXXXX0X”不存在" in html
    assert not FacilityOutput.objects.exists() and not Movement.objects.filter(from_site=plant.site).exists()  # all or nothing
    response = entry(client, plant, "operation", at="2026-05-06T23:00", run_state="1", treated_t="-5", line_count="2", running_lines="3")
    html = text(response)
    assert "当日累计处理量（吨）：确保该值大于或等于" in html and "运行线数：运行线数不能多于生产线数" in html


def test_another_countys_plant_is_not_there_and_a_reader_may_not_enter(page_client, county_admin, auditor, plant):
    elsewhere = Site.objects.exclude(region__code__startswith="331002").filter(kind="incineration").first()
    client = page_client(county_admin)
    assert client.get(f"/ledger/facilities/{elsewhere.code}/entry").status_code == 404
    assert client.post(f"/ledger/facilities/{elsewhere.code}/entry", {"form": "reading"}).status_code == 404
    assert client.get(plant.url).status_code == 200  # the county's own plant
    assert page_client(auditor).get(plant.url).status_code == 403
    assert not FacilityOperation.objects.exists()


@pytest.fixture
def auditor(db):
    return User.objects.get(username="auditor")


def manifest_form(parties, **overrides):
    return {"category": "HW01", "waste_name": "感染性医疗废物", "generator": parties.hospital.code, "hauler": parties.hauler.code,
            "receiver": parties.centre.code, "shipped_t": "2.0", "planned_on": "2026-05-06", **overrides}


def test_a_manifest_made_and_signed_on_the_pages_raises_its_alert_on_a_short_delivery(page_client, parties):
    generator, hauler, receiver = (page_client(parties.generator_user), page_client(parties.hauler_user),
                                   page_client(parties.receiver_user))
    assert "开具联单" in text(generator.get("/ledger/manifests/"))
    response = generator.post("/ledger/manifests/new", manifest_form(parties))
    number = Manifest.objects.get().number
    assert response.status_code == 302 and response.url == f"/ledger/manifests/{number}/"
    page = f"/ledger/manifests/{number}/"
    assert "产生单位确认发运" in text(generator.get(page))
    refused = hauler.post(f"{page}schedule")
    assert refused.status_code == 403 and "本环节须由产生单位" in text(refused)
    assert generator.post(f"{page}schedule").status_code == 302
    assert hauler.post(f"{page}pickup", {"pickup-weight_t": "2.0"}).status_code == 302
    assert receiver.post(f"{page}receive", {"receive-weight_t": "1.6"}).status_code == 302
    m = Manifest.objects.get()
    assert m.status == "received" and m.discrepancy and m.hauled_t == 2 and m.received_t == Decimal("1.6")
    alert = Alert.objects.get(kind="manifest_discrepancy")
    assert number in alert.title and "短少 0.400 吨" in alert.title
    assert receiver.post(f"{page}sign").status_code == 302
    html = text(receiver.get(page))
    assert "已签收办结" in html and all(step in html for step in ("schedule", "pickup", "receive", "sign"))


def test_a_partial_and_a_full_rejection_on_the_receivers_page(page_client, parties):
    generator, hauler, receiver = (page_client(parties.generator_user), page_client(parties.hauler_user),
                                   page_client(parties.receiver_user))
    for _ in range(2):
        generator.post("/ledger/manifests/new", manifest_form(parties, shipped_t="1.2"))
    numbers = list(Manifest.objects.order_by("number").values_list("number", flat=True))
    for number in numbers:
        generator.post(f"/ledger/manifests/{number}/schedule")
        hauler.post(f"/ledger/manifests/{number}/pickup", {"pickup-weight_t": "1.2"})
    page = f"/ledger/manifests/{numbers[0]}/"
    response = receiver.post(f"{page}receive", {"receive-weight_t": "1.2", "receive-rejected_t": "0.2"})
    html = text(response)
    assert response.status_code == 400 and "拒收原因：部分或全部拒收时须填写原因" in html and 'value="0.2"' in html
    receiver.post(f"{page}receive", {"receive-weight_t": "1.2", "receive-rejected_t": "0.2", "receive-rejection_reason": "包装破损"})
    assert Movement.objects.get(manifest__number=numbers[0]).net_t == 1
    receiver.post(f"/ledger/manifests/{numbers[1]}/receive",
                  {"receive-weight_t": "1.2", "receive-rejected_t": "1.2", "receive-rejection_reason": "与申报类别不符"})
    assert Manifest.objects.get(number=numbers[1]).status == "rejected"
    assert not Movement.objects.filter(manifest__number=numbers[1]).exists()


def test_a_correction_on_the_page_keeps_the_history_and_bad_manifest_input_is_named(page_client, city_admin, parties):
    generator, hauler, receiver = (page_client(parties.generator_user), page_client(parties.hauler_user),
                                   page_client(parties.receiver_user))
    response = generator.post("/ledger/manifests/new", manifest_form(parties, shipped_t="两吨", category=""))
    html = text(response)
    assert response.status_code == 400 and "发运重量（吨）：输入一个数字" in html and "废物类别：这个字段是必填项" in html
    assert 'value="感染性医疗废物"' in html and not Manifest.objects.exists()
    response = generator.post("/ledger/manifests/new", manifest_form(parties, category="0201"))
    assert response.status_code == 400 and "废物类别" in text(response)
    generator.post("/ledger/manifests/new", manifest_form(parties))
    number = Manifest.objects.get().number
    page = f"/ledger/manifests/{number}/"
    generator.post(f"{page}schedule")
    hauler.post(f"{page}pickup", {"pickup-weight_t": "1.6"})
    receiver.post(f"{page}receive", {"receive-weight_t": "1.6"})
    office = page_client(city_admin)
    missing = office.post(f"{page}correct", {"correct-shipped_t": "1.6"})
    assert missing.status_code == 400 and "更正原因：这个字段是必填项" in text(missing) and 'value="1.6"' in text(missing)
    assert office.post(f"{page}correct", {"correct-shipped_t": "1.6", "correct-reason": "产生单位过磅录入错误"}).status_code == 302
    m = Manifest.objects.get()
    assert m.version == 2 and m.shipped_t == Decimal("1.6") and not m.discrepancy
    correction = m.events.get(action="correct")
    assert correction.before["shipped_t"] == "2.000" and correction.after["shipped_t"] == "1.600"
    assert "更正前" in text(office.get(page))


def test_another_organisations_manifest_is_not_there(page_client, parties):
    page_client(parties.generator_user).post("/ledger/manifests/new", manifest_form(parties))
    number = Manifest.objects.get().number
    other = page_client(User.objects.get(username="plant_operator"))
    assert other.get(f"/ledger/manifests/{number}/").status_code == 404
    assert other.post(f"/ledger/manifests/{number}/schedule").status_code == 404
    assert Manifest.objects.get().status == "draft"
