"""Carbon with its factor breakdown, the estate ranking and a month's black list, the zero-waste index, the report
files, the pages, and the six cockpit endpoints — all on the simulated stretch of the ledger."""
import pytest
from asgiref.sync import async_to_sync
from django.test import AsyncClient

from wastewatch.core.models import AuditRecord
from wastewatch.events.models import Alert
from wastewatch.reports.carbon import carbon_factors, factor_per_tonne

from .conftest import JIAOJIANG

pytestmark = pytest.mark.django_db


def test_the_carbon_of_one_street_with_its_factor_breakdown(stretch, api_client, city_admin):
    street = stretch.points[JIAOJIANG][0].region_id[:9] + "000"
    body = api_client(city_admin).get(f"/api/v1/reports/carbon?region={street}&period=month&at=2025-03").json()
    f = carbon_factors()
    for line in body["actual"]:
        assert line["tco2e"] == pytest.approx(line["tonnes"] * line["factor"], abs=0.01)
    assert body["avoided_tco2e"] == pytest.approx(body["baseline_tco2e"] - body["actual_tco2e"], abs=0.01)
    assert body["avoided_tco2e"] > 0  # sorting beats mixed landfill and incineration
    food_landfill = 0.15 * 0.5 * 1.0 * 0.5 * 16 / 12 * (1 - 0.3) * (1 - 0.1) * 28
    assert factor_per_tonne("food", "landfill", f) == pytest.approx(food_landfill)
    routes = {(l["category"], l["route"]) for l in body["actual"]}
    assert ("纸类", "回收利用") in routes and ("易腐垃圾", "易腐处理（厌氧消化/堆肥）") in routes


def test_a_factor_change_is_audited_and_moves_the_carbon_figure(stretch, api_client, city_admin, county_admin):
    client = api_client(city_admin)
    before = client.get("/api/v1/reports/carbon?period=month&at=2025-03").json()["avoided_tco2e"]
    response = client.put("/api/v1/reports/factors/rec_paper", {"value": "-2.0", "source": "市分类办 2025 核定"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["value"] == -2.0
    assert AuditRecord.objects.filter(object_repr__startswith="纸类回收利用减排", before__value="-3.91000").exists()
    assert client.get("/api/v1/reports/carbon?period=month&at=2025-03").json()["avoided_tco2e"] < before
    bad = client.put("/api/v1/reports/factors/rec_paper", {"value": "很多"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["details"][0]["field"] == "value"
    assert api_client(county_admin).put("/api/v1/reports/factors/rec_paper", {"value": "1"}, content_type="application/json").status_code == 403


def test_the_black_list_of_a_month_and_who_left_it_the_next(stretch, api_client, city_admin):
    client = api_client(city_admin)
    ranking = client.get(f"/api/v1/reports/rankings?region={JIAOJIANG}000000&at=2025-03").json()
    assert ranking[0]["score"] >= ranking[-1]["score"] and ranking[0]["county_rank"] == 1
    published = client.post("/api/v1/reports/lists", {"region": JIAOJIANG + "000000", "month": "2025-03", "size": 2},
                            content_type="application/json")
    assert published.status_code == 201
    entries = published.json()["entries"]
    black = [e for e in entries if e["kind"] == "black"]
    assert [e["code"] for e in black] == [r["code"] for r in ranking[::-1][:2]]
    assert all(e["change"] == "entered" for e in entries)
    again = client.post("/api/v1/reports/lists", {"region": JIAOJIANG + "000000", "month": "2025-03"}, content_type="application/json")
    assert again.status_code == 409
    april = client.post("/api/v1/reports/lists", {"region": JIAOJIANG + "000000", "month": "2025-04", "size": 2},
                        content_type="application/json").json()
    changes = {(e["kind"], e["code"]): e["change"] for e in april["entries"]}
    assert {c for c in changes.values()} <= {"entered", "stayed", "left"}
    history = client.get(f"/api/v1/reports/lists?region={JIAOJIANG}000000").json()
    assert [h["month"] for h in history] == ["2025-04", "2025-03"]


def test_rubric_weights_must_add_up_to_100(api_client, city_admin):
    client = api_client(city_admin)
    bad = client.put("/api/v1/reports/rubric", [{"code": "inspection", "weight": "50"}], content_type="application/json")
    assert bad.status_code == 400 and "100" in bad.json()["details"][0]["reason"]
    ok = client.put("/api/v1/reports/rubric", [{"code": "inspection", "weight": "45"}, {"code": "violations", "weight": "15"}],
                    content_type="application/json")
    assert ok.status_code == 200 and sum(i["weight"] for i in ok.json()) == 100


def test_the_zero_waste_index_of_the_city_and_a_county_with_its_drivers(stretch, api_client, city_admin):
    client = api_client(city_admin)
    city = client.get("/api/v1/reports/zero-waste?period=month&at=2025-03").json()
    assert 0 < city["index"] <= 100
    assert [f["name"] for f in city["first_level"]] == ["源头减量", "资源化利用", "最终处置", "保障能力", "群众获得感"]
    assert city["drivers"] and city["drivers"][0]["points_lost"] >= city["drivers"][-1]["points_lost"]
    county = client.get(f"/api/v1/reports/zero-waste?region={JIAOJIANG}000000&period=month&at=2025-03").json()
    assert county["index"] is not None
    series = client.get("/api/v1/reports/zero-waste/series?at=2025-03&count=3").json()
    assert [s["period"] for s in series] == ["2025年01月", "2025年02月", "2025年03月"]
    client.put("/api/v1/reports/zero-waste/nodes/recycling", {"target": "10"}, content_type="application/json")
    assert client.get("/api/v1/reports/zero-waste?period=month&at=2025-03").json()["index"] >= city["index"]


@pytest.mark.parametrize("fmt,magic", [("xlsx", b"PK"), ("pdf", b"%PDF")])
def test_a_monthly_report_on_demand_as_excel_and_pdf(stretch, api_client, page_client, city_admin, county_admin, fmt, magic):
    client = api_client(city_admin)
    made = client.post("/api/v1/reports/files", {"kind": "monthly", "at": "2025-03", "format": fmt}, content_type="application/json")
    assert made.status_code == 201, made.content
    download = client.get(f"/api/v1/reports/files/{made.json()['id']}")
    assert download.content[:4].startswith(magic)
    city_file = made.json()["id"]
    assert api_client(county_admin).get(f"/api/v1/reports/files/{city_file}").status_code == 404
    assert page_client(city_admin).get(f"/reports/files/{city_file}/").status_code == 200
    assert page_client(county_admin).get(f"/reports/files/{city_file}/").status_code == 404
    if fmt == "xlsx":
        import io

        import openpyxl

        wb = openpyxl.load_workbook(io.BytesIO(download.content))
        assert wb.sheetnames == ["指标汇总", "分区对比", "月度趋势", "碳减排"]
        assert wb["分区对比"]._charts
        names = {row[0].value: row[1].value for row in wb["指标汇总"].iter_rows(min_row=4) if row[0].value}
        indicators = client.get("/api/v1/reports/indicators?period=month&at=2025-03").json()["values"]
        assert names["回收利用率"] == indicators["recycling_rate"]


def test_the_scheduled_task_writes_last_months_reports_for_the_city_and_each_active_county():
    """Two counties left active (a PDF costs about a second of font work; ten counties would be twenty of them)."""
    from datetime import timedelta

    from django.utils import timezone

    from wastewatch.registry.models import Region
    from wastewatch.reports.models import ReportFile
    from wastewatch.reports.tasks import reports_monthly_task

    kept = ["331002000000", "331003000000"]
    Region.objects.filter(level="county").exclude(code__in=kept).update(is_active=False)
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    assert reports_monthly_task.call_local() == 6 * (2 if last_month.month == 12 else 1)  # in January also the year's
    files = set(ReportFile.objects.filter(kind="monthly", start=last_month).values_list("region_code", "format"))
    assert files == {(code, fmt) for code in ["331000000000", *kept] for fmt in ("xlsx", "pdf")}


@pytest.mark.parametrize("theme", ["alerts", "workorders", "vehicles", "outlets", "base", "results"])
def test_each_dashboard_answers_from_the_aggregates(stretch, api_client, city_admin, county_admin, theme):
    body = api_client(city_admin).get(f"/api/v1/cockpit/{theme}").json()
    assert body["region"]["code"] == "331000000000" and body["title"]
    assert api_client(county_admin).get(f"/api/v1/cockpit/{theme}?region=331003000000").status_code == 404


def test_pages_render_for_the_city_and_404_outside_a_county(stretch, page_client, city_admin, county_admin):
    client = page_client(city_admin)
    for url in ("/reports/?period=month&at=2025-03", "/reports/rankings/?at=2025-03", "/reports/carbon/?at=2025-03",
                "/reports/zero-waste/?at=2025-03", "/reports/files/", "/reports/methodology/", "/reports/records/?at=2025-03",
                "/cockpit/", "/cockpit/alerts/"):
        assert client.get(url).status_code == 200, url
    assert page_client(county_admin).get("/reports/?region=331003000000").status_code == 404
    assert page_client(county_admin).get("/cockpit/results/?region=331003000000").status_code == 404


def test_the_live_stream_greets_with_the_newest_alert(stretch, city_admin):
    newest = Alert.objects.filter(region_code__startswith="3310").order_by("-id").first()

    async def first_chunk():
        client = AsyncClient()
        await client.aforce_login(city_admin)
        response = await client.get("/cockpit/stream/?once=1")
        return response["Content-Type"], b"".join([chunk async for chunk in response.streaming_content]).decode()

    # async_to_sync, not asyncio.run: the view's database calls then run in this thread, inside the test's transaction.
    content_type, body = async_to_sync(first_chunk)()
    assert content_type == "text/event-stream"
    assert body.startswith("retry: 3000\nevent: hello\n") and f'"alert": {newest.id}' in body


def test_pages_refuse_a_user_without_the_permission_and_name_the_bad_field(stretch, page_client, no_permission_user, city_admin):
    refused = page_client(no_permission_user)
    for url in ("/reports/", "/reports/rankings/", "/reports/methodology/", "/cockpit/results/"):
        response = refused.get(url)
        assert response.status_code == 403 and "您没有该功能的权限" in response.content.decode(), url
    client = page_client(city_admin)
    page = client.post(f"/reports/rankings/?region={JIAOJIANG}000000&at=2025-03", {"size": "五"}, follow=True).content.decode()
    assert "每榜名额无效" in page and "size：应为正整数" in page
