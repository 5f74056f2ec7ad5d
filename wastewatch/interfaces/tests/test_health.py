"""Data-flow health: statuses from real pushes over past days, the matrix and county pages
scoped to the viewer's county, milestones, and the monthly supervision report."""
import io
from datetime import timedelta

import openpyxl
import pytest

from wastewatch.core.models import AuditRecord
from wastewatch.interfaces import health
from wastewatch.interfaces.models import Milestone, PushBatch
from wastewatch.interfaces.tests.conftest import JIAOJIANG, SANMEN, TIANTAI

pytestmark = pytest.mark.django_db


def test_statuses_follow_the_documented_rules(week_of_flows):
    flows = health.flows(counties=[JIAOJIANG, SANMEN, TIANTAI])
    assert flows[(JIAOJIANG, "estate")].status == health.LIVE
    assert flows[(SANMEN, "estate")].status == health.INTERRUPTED
    assert flows[(TIANTAI, "estate")].status == health.ONBOARDING  # half of its records rejected
    assert flows[(TIANTAI, "estate")].rejection_rate == pytest.approx(0.5)
    assert flows[(JIAOJIANG, "building")].status == health.NOT_ONBOARDED
    # A full week of complete, valid, timely records scores 100 on the interface.
    assert flows[(JIAOJIANG, "estate")].score == pytest.approx(100.0)
    assert flows[(TIANTAI, "estate")].score == pytest.approx(85.0)


def test_a_past_period_is_judged_as_it_stood_then(week_of_flows):
    # Four days ago 三门 had pushed on two consecutive days and was not yet interrupted.
    past = health.flows(counties=[SANMEN], until=health.today() - timedelta(days=4), days=7)
    assert past[(SANMEN, "estate")].status == health.ONBOARDING


def test_the_matrix_shows_every_county_to_the_city_and_one_to_a_county(week_of_flows, page_client, city_admin, county_admin):
    city_page = page_client(city_admin).get("/interfaces/health/").content.decode()
    assert "三门县" in city_page and "椒江区" in city_page and f'data-status="{health.INTERRUPTED}"' in city_page
    county = page_client(county_admin)
    page = county.get("/interfaces/health/").content.decode()
    assert "椒江区" in page and "三门县" not in page
    assert county.get(f"/interfaces/health/{SANMEN}/").status_code == 404
    sanmen_batch = PushBatch.objects.filter(region_code__startswith=SANMEN).first()
    assert f"/interfaces/batches/{sanmen_batch.pk}/" not in county.get(f"/interfaces/batches/?county={SANMEN}").content.decode()
    assert county.get(f"/interfaces/batches/{sanmen_batch.pk}/").status_code == 404
    assert f"/interfaces/batches/{sanmen_batch.pk}/" in page_client(city_admin).get(f"/interfaces/batches/?county={SANMEN}").content.decode()


def test_county_page_lists_milestones_and_flags_overdue_ones(week_of_flows, page_client, county_admin):
    assert Milestone.objects.filter(region_id=JIAOJIANG + "000000").count() == 6
    page = page_client(county_admin).get(f"/interfaces/health/{JIAOJIANG}/").content.decode()
    assert "完成 22 个省级接口对接" in page and "逾期" in page


def test_the_monthly_report_ranks_counties_and_lists_overdue_milestones(week_of_flows, page_client, city_admin):
    today = health.today()
    response = page_client(city_admin).get(f"/interfaces/health/report.xlsx?month={today.year}-{today.month}")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))
    ranking = [row for row in book["县（市、区）得分"].iter_rows(min_row=3, values_only=True)]
    assert len(ranking) == 10 and [r[0] for r in ranking] == list(range(1, 11))
    assert [r[2] for r in ranking] == sorted((r[2] for r in ranking), reverse=True)
    assert book["接口状态"].max_row == 11
    assert book["逾期节点"].max_row > 1
    assert page_client(city_admin).get("/interfaces/health/report.xlsx?month=2026-13").status_code == 400


def test_the_city_moves_a_deadline_with_an_audit_row_and_a_county_cannot(page_client, city_admin, county_admin):
    milestone = Milestone.objects.filter(region_id=JIAOJIANG + "000000").first()
    url = f"/interfaces/health/{JIAOJIANG}/milestones/{milestone.pk}/"
    assert page_client(county_admin).post(url, {"deadline": "2027-01-31"}).status_code == 403
    city = page_client(city_admin)
    assert city.post(url, {"deadline": "2027-01-31"}).status_code == 302
    milestone.refresh_from_db()
    assert milestone.deadline.isoformat() == "2027-01-31"
    audit = AuditRecord.objects.filter(object_pk=str(milestone.pk), content_type__model="milestone").latest("id")
    assert audit.after == {"deadline": "2027-01-31"} and audit.actor_label == "city_admin"
    page = city.post(url, {"deadline": "2027-02-30"}, follow=True).content.decode()
    assert "日期格式应为 yyyy-MM-dd" in page
    assert city.post(f"/interfaces/health/{SANMEN}/milestones/{milestone.pk}/", {"deadline": ""}).status_code == 404
