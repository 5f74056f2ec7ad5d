"""The ledger's pages: the office reads the ledger, the balance, the Sankey trace and the dossiers; each page
answers 403 without the permission and 404 for a place outside the caller's scope."""
import json
import re

import pytest

from wastewatch.ledger.tests.test_balance_and_trace import DAY, day_of_waste  # noqa: F401
from wastewatch.registry.models import Site


def test_the_movement_page_lists_the_days_movements_and_highlights_flags(page_client, county_admin, day_of_waste):
    response = page_client(county_admin).get("/ledger/movements/", {"day_from": DAY, "day_to": DAY})
    html = response.content.decode()
    assert response.status_code == 200 and "中转站进站" in html and day_of_waste.transfer.name in html
    assert "共 7 条，13.000 吨" in html


def test_a_weighing_entered_on_the_page_is_booked_or_its_error_named(page_client, county_admin, chain):
    client = page_client(county_admin)
    response = client.post("/ledger/movements/add", {"stage": "facility_in", "occurred_at": "2026-05-06T09:00", "category": "0200",
                                                     "net_t": "5", "to_site": chain.incinerator.code, "plate": chain.truck.plate},
                           follow=True)
    assert "已录入台账记录 5.000 吨" in response.content.decode()
    response = client.post("/ledger/movements/add", {"stage": "facility_in", "occurred_at": "2026-05-06T09:00", "category": "0200",
                                                     "net_t": "abc", "to_site": chain.incinerator.code}, follow=True)
    assert "净重应为数字" in response.content.decode()


def test_the_balance_page_shows_sites_and_counties(page_client, city_admin, day_of_waste):
    html = page_client(city_admin).get("/ledger/balance/", {"day_from": DAY, "day_to": DAY}).content.decode()
    assert day_of_waste.transfer.name in html and "全市" in html and "平衡" in html


def test_the_trace_page_carries_the_sankey_graph(page_client, county_admin, day_of_waste):
    html = page_client(county_admin).get("/ledger/trace/", {"code": day_of_waste.estate.code, "day_from": DAY, "day_to": DAY}).content.decode()
    graph = json.loads(re.search(r'<script id="graph-data" type="application/json">(.*?)</script>', html, re.S).group(1))
    assert any(link["target_id"] == "label:台州市建材综合利用有限公司" for link in graph["links"])


def test_a_plant_dossier_gathers_operation_outputs_and_balance(page_client, city_admin, day_of_waste):
    html = page_client(city_admin).get(f"/ledger/dossier/{day_of_waste.incinerator.code}/", {"day_from": DAY, "day_to": DAY}).content.decode()
    assert "一厂一档" in html and "台州市建材综合利用有限公司" in html and "物料平衡" in html


def test_a_generator_dossier_shows_its_declarations(page_client, city_admin):
    factory = Site.objects.filter(kind="industrial").order_by("code").first()
    html = page_client(city_admin).get(f"/ledger/dossier/{factory.code}/").content.decode()
    assert "一源一档" in html and "HW08" in html


def test_pages_answer_403_without_permission_and_404_outside_scope(page_client, no_permission_user, county_admin):
    assert page_client(no_permission_user).get("/ledger/movements/").status_code == 403
    elsewhere = Site.objects.exclude(region__code__startswith="331002").filter(kind="incineration").first() or \
        Site.objects.exclude(region__code__startswith="331002").first()
    assert page_client(county_admin).get(f"/ledger/dossier/{elsewhere.code}/").status_code == 404
    assert page_client(county_admin).get("/ledger/manifests/LD-NONE/").status_code == 404


@pytest.mark.parametrize("path", ["/ledger/manifests/", "/ledger/facilities/", "/ledger/trace/"])
def test_the_other_pages_open(page_client, county_admin, path):
    assert page_client(county_admin).get(path).status_code == 200
