"""Spreadsheet import: a wrong row is reported with its row, column and reason, and then nothing lands."""
import io

import openpyxl

from wastewatch.core import spreadsheets
from wastewatch.core.resources import get
from wastewatch.registry.models import Estate

estates = get("estates")


def estate_row(community, serial, **overrides):
    row = {
        "code": f"{community}{serial:06d}", "name": f"测试小区{serial}", "region": community, "address": "椒江区测试路1号",
        "lon": 121.44, "lat": 28.68, "property_company": "", "contact_name": "王小明", "contact_phone": "13812345678",
        "households": 300, "population": 800, "sorting_mode": "定时定点", "is_high_rise": "否",
    }
    row.update(overrides)
    return [row[name] for name in estates.fields]


def workbook(rows):
    return spreadsheets.write_xlsx(estates, rows)


def community_in(prefix):
    return Estate.objects.filter(region__code__startswith=prefix).first().region_id


def test_template_lists_every_column_with_notes(city_admin, page_client):
    response = page_client(city_admin).get("/registry/estates/template/")
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [c.value for c in wb.worksheets[0][1]] == spreadsheets.headers_for(estates)
    notes = {row[0]: row for row in wb["填写说明"].iter_rows(min_row=2, values_only=True)}
    assert notes["小区编码"][2] == "是"
    assert "定时定点" in notes["分类模式"][3]


def test_one_bad_row_is_reported_and_nothing_lands(city_admin):
    community = community_in("331002")
    rows = [estate_row(community, 900001), estate_row(community, 900002, contact_phone="12345"), estate_row(community, 900003, households="很多")]
    result = spreadsheets.records_import(actor=city_admin, resource=estates, content=workbook(rows), filename="a.xlsx", dry_run=False)
    assert not result.committed
    assert {(e["row"], e["column"]) for e in result.errors} == {(3, "负责人电话"), (4, "户数")}
    assert all(e["reason"] for e in result.errors)
    assert not Estate.objects.filter(code__startswith=community + "9000").exists()


def test_a_clean_file_lands_whole_after_a_dry_run(city_admin):
    community = community_in("331002")
    content = workbook([estate_row(community, 900010 + i) for i in range(5)])
    preview = spreadsheets.records_import(actor=city_admin, resource=estates, content=content, filename="a.xlsx", dry_run=True)
    assert preview.ok and preview.created == 5 and not preview.committed
    assert not Estate.objects.filter(code__startswith=community + "90001").exists()
    result = spreadsheets.records_import(actor=city_admin, resource=estates, content=content, filename="a.xlsx", dry_run=False)
    assert result.committed and result.created == 5
    stored = Estate.objects.get(code=f"{community}900010")
    assert stored.contact_phone == "13812345678" and stored.sorting_mode == "scheduled"


def test_rows_outside_the_importers_scope_are_rejected(county_admin):
    outside = community_in("331003")
    content = workbook([estate_row(outside, 900020)])
    result = spreadsheets.records_import(actor=county_admin, resource=estates, content=content, filename="a.xlsx", dry_run=False)
    assert result.errors and "权限范围" in result.errors[0]["reason"]
    assert not Estate.objects.filter(code=f"{outside}900020").exists()


def test_csv_in_gbk_and_duplicate_keys_and_unknown_columns(city_admin):
    community = community_in("331002")
    header = ",".join(spreadsheets.headers_for(estates))
    line = ",".join(str(v) for v in estate_row(community, 900030))
    content = (header + "\n" + line + "\n" + line + "\n").encode("gb18030")
    result = spreadsheets.records_import(actor=city_admin, resource=estates, content=content, filename="a.csv", dry_run=True)
    assert [(e["row"], e["reason"]) for e in result.errors] == [(3, "与第 2 行重复")]

    bad_header = ("小区编码,小区名称,楼盘\n").encode("utf-8")
    result = spreadsheets.records_import(actor=city_admin, resource=estates, content=bad_header, filename="b.csv", dry_run=True)
    reasons = " ".join(e["reason"] for e in result.errors)
    assert "未知的列“楼盘”" in reasons and "缺少必填列" in reasons


def test_import_page_previews_errors_then_confirms(city_admin, page_client):
    client = page_client(city_admin)
    community = community_in("331002")
    bad = io.BytesIO(workbook([estate_row(community, 900040, region="331002999999")]))
    bad.name = "bad.xlsx"
    response = client.post("/registry/estates/import/", {"file": bad})
    assert response.status_code == 200
    assert "所属社区" in response.content.decode()
    good = io.BytesIO(workbook([estate_row(community, 900041)]))
    good.name = "good.xlsx"
    response = client.post("/registry/estates/import/", {"file": good})
    token = response.context["token"]
    assert not Estate.objects.filter(code=f"{community}900041").exists()
    response = client.post("/registry/estates/import/", {"token": token, "confirm": "1"})
    assert response.status_code == 302
    assert Estate.objects.filter(code=f"{community}900041").exists()
