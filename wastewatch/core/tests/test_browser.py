"""A person in a real browser (Debian's chromium, headless): log in, browse, import, export; a county admin sees only their county.
Screenshots are saved under var/screenshots/."""
import io
from pathlib import Path

import openpyxl
import pytest

from wastewatch.core import spreadsheets
from wastewatch.core.resources import get
from wastewatch.core.testing import SHOTS, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_city_admin_browses_imports_and_exports(browser_page, live_server, tmp_path):
    page, base = browser_page, live_server.url
    log_in(page, base, "city_admin")
    page.wait_for_selector("#map[data-ready='1']", timeout=15000)
    page.screenshot(path=str(SHOTS / "home.png"))
    for resource in ("regions", "waste-categories", "organisations", "estates", "buildings", "dwellings", "sites", "vehicles", "devices", "staff"):
        page.goto(f"{base}/registry/{resource}/")
        assert page.locator("tbody tr").count() >= 1
        assert page.locator("h1").inner_text() == str(get(resource).label)
    page.screenshot(path=str(SHOTS / "staff-list.png"))

    estates = get("estates")
    community = "331002001001"
    good = [f"{community}800001", "浏览器小区", community, "测试路1号", 121.44, 28.68, "", "李四", "13912345678", 100, 300, "定时定点", "否"]
    bad = [f"{community}800002", "坏行小区", community, "测试路2号", 121.44, 28.68, "", "李五", "1391234", 100, 300, "定时定点", "否"]
    file = tmp_path / "estates.xlsx"
    file.write_bytes(spreadsheets.write_xlsx(estates, [good, bad]))
    page.goto(f"{base}/registry/estates/import/")
    page.set_input_files("input[name=file]", str(file))
    page.click("text=上传并校验")
    page.wait_for_selector("#import-errors")
    row = page.locator("#import-errors tbody tr").first.inner_text()
    assert "3" in row and "负责人电话" in row and "电话号码格式不正确" in row
    page.screenshot(path=str(SHOTS / "import-errors.png"), full_page=True)

    file.write_bytes(spreadsheets.write_xlsx(estates, [good]))
    page.set_input_files("input[name=file]", str(file))
    page.click("text=上传并校验")
    page.click("text=确认导入 1 行")
    page.wait_for_selector(".alert-success")
    assert "新增 1 条" in page.locator(".alert-success").inner_text()

    page.fill("input[name=q]", "浏览器小区")
    page.click("text=查询")
    page.wait_for_selector("text=浏览器小区")
    with page.expect_download() as download:
        page.click("text=导出 Excel")
    sheet = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    assert [r[1] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["浏览器小区"]


def test_county_admin_sees_only_their_county_on_a_phone(browser_page, live_server):
    page, base = browser_page, live_server.url
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, base, "jiaojiang_admin")
    page.goto(f"{base}/registry/estates/")
    codes = page.locator("tbody tr td:first-child").all_inner_texts()
    assert codes and all(code.startswith("331002") for code in codes)
    page.screenshot(path=str(SHOTS / "county-admin-phone.png"), full_page=True)
    response = page.goto(f"{base}/registry/regions/331003000000/")
    assert response.status == 404
