"""The city edits the dispatch rules and the emergency plans on their pages: saved through the services, audited,
and bad input answered in Chinese with the field named, keeping what was typed."""
import pytest

from wastewatch.core.models import AuditRecord
from wastewatch.events.models import DispatchRule, EmergencyPlan
from wastewatch.events.services.workorders import rule_for

pytestmark = pytest.mark.django_db


def _messages(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_a_county_rule_is_added_audited_and_then_wins_for_that_county(page_client, city_admin):
    client = page_client(city_admin)
    assert rule_for("overflow", "331002001001").region_prefix == ""
    response = client.post("/events/rules/", {"kind": "overflow", "region_prefix": "331002", "unit_level": "street",
                                              "deadline_hours": "6", "auto_dispatch": "1", "is_active": "1"}, follow=True)
    assert any("已保存派单规则" in m for m in _messages(response))
    rule = DispatchRule.objects.get(kind="overflow", region_prefix="331002")
    assert (rule.unit_level, rule.deadline_hours, rule.auto_dispatch) == ("street", 6, True)
    assert rule_for("overflow", "331002001001") == rule and rule_for("overflow", "331003001001").region_prefix == ""
    record = AuditRecord.objects.get(object_pk=str(rule.pk), content_type__model="dispatchrule")
    assert (record.action, record.actor_id, record.after["deadline_hours"]) == ("create", city_admin.pk, 6)

    client.post("/events/rules/", {"pk": rule.pk, "kind": "overflow", "region_prefix": "331002", "unit_level": "street",
                                   "deadline_hours": "6", "is_active": ""})
    rule.refresh_from_db()
    assert rule.is_active is False and rule_for("overflow", "331002001001").region_prefix == ""  # switched off: the city-wide rule again
    assert AuditRecord.objects.filter(object_pk=str(rule.pk), content_type__model="dispatchrule", action="update").count() == 1


def test_a_bad_or_duplicate_rule_is_refused_with_the_field_named(page_client, city_admin):
    client = page_client(city_admin)
    count = DispatchRule.objects.count()
    response = client.post("/events/rules/", {"kind": "littering", "region_prefix": "33A", "unit_level": "planet", "deadline_hours": "0"}, follow=True)
    text = " ".join(_messages(response))
    assert "region_prefix" in text and "unit_level" in text and "1–2160" in text
    existing = DispatchRule.objects.filter(region_prefix="").first()
    response = client.post("/events/rules/", {"kind": existing.kind, "region_prefix": "", "unit_level": "community", "deadline_hours": "24"}, follow=True)
    assert "已有同类型、同区划的规则" in " ".join(_messages(response))
    assert DispatchRule.objects.count() == count


def test_a_plan_is_written_in_rows_and_a_half_filled_row_comes_back_with_its_reason(page_client, city_admin):
    client = page_client(city_admin)
    form = {"code": "YA-TEST-01", "name": "测试积水预案", "incident_kinds": ["overflow"], "region_prefix": "331002", "level": "III",
            "task_level": ["community", "street", "community"], "task_title": ["清理满溢垃圾", "镇街督查", ""], "task_hours": ["2", "", ""],
            "message_level": ["street", "community"], "message_text": ["{place}{kind}，请立即处置", ""]}
    response = client.post("/events/plans/new/", form)
    assert response.status_code == 200 and not EmergencyPlan.objects.filter(code="YA-TEST-01").exists()
    assert any("tasks" in m and "1–720" in m for m in _messages(response))
    assert "镇街督查" in response.content.decode() and "测试积水预案" in response.content.decode()  # what was typed is still there

    form["task_hours"] = ["2", "8", ""]
    response = client.post("/events/plans/new/", form)
    assert response.status_code == 302
    plan = EmergencyPlan.objects.get(code="YA-TEST-01")
    assert plan.tasks == [{"level": "community", "title": "清理满溢垃圾", "hours": 2}, {"level": "street", "title": "镇街督查", "hours": 8}]
    assert plan.messages == [{"level": "street", "text": "{place}{kind}，请立即处置"}]
    page = client.get("/events/plans/YA-TEST-01/").content.decode()
    assert page.count('name="task_title"') == 4 and 'value="镇街督查"' in page  # two saved rows and two blank ones


def test_a_new_plan_starts_from_an_existing_one_as_its_template(page_client, city_admin):
    client = page_client(city_admin)
    listing = client.get("/events/plans/").content.decode()
    assert "火情烟雾" in listing and "?from=YA-HZ-01" in listing  # kinds in Chinese, a template link per plan
    template = EmergencyPlan.objects.get(code="YA-HZ-01")
    page = client.get("/events/plans/new/?from=YA-HZ-01").content.decode()
    assert f"{template.name}（副本）" in page and f'value="{template.tasks[0]["title"]}"' in page
    assert 'name="code" value=""' in page  # the copy needs a code of its own
