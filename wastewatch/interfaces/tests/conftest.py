"""Fixtures of the interfaces tests: a week of pushes by three county systems, as the simulator's --history makes."""
import copy
import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from wastewatch.interfaces import catalogue, clients, push, signing
from wastewatch.registry.models import Estate, Region

JIAOJIANG, SANMEN, TIANTAI = "331002", "331022", "331023"
COMMUNITY = "331002001001"  # a community of 椒江区 in the small demo city


@pytest.fixture
def county_system(city_admin):
    """椒江区's county system: its API client and the secret it signs with."""
    return clients.api_client_create(actor=city_admin, name="椒江区垃圾分类系统", region=Region.objects.get(code="331002000000"))


def estate(serial, community=COMMUNITY, **changes):
    """A valid new estate record (the catalogue's example) with its own code."""
    record = copy.deepcopy(catalogue.get("estate").example)
    record.update({"uid": f"u{serial}", "operation": "I", "orgCode": community, "unitCode": f"{community}{serial:06d}", "unitName": f"推送小区{serial}"})
    record.update(changes)
    return record


def signed_push(system, code, records, *, body=None, nonce=None, **header_changes):
    """POST the records (or this exact body) to the push API, signed as the county system; header_changes override."""
    api_client, secret = system
    path = f"/api/v1/push/{code}"
    body = body if body is not None else json.dumps({"records": records}, ensure_ascii=False).encode("utf-8")
    headers = signing.headers_for(api_client.app_key, secret, "POST", path, body, nonce=nonce)
    headers.update(header_changes)
    return Client().post(path, body, content_type="application/json", **{"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()})


def community_of(county):
    return Region.objects.filter(code__startswith=county, level="community").order_by("code").first().code


def estates(county, serial, *, bad=0, good=1):
    """`good` valid new estates of the county (placed where one of its demo estates is) and `bad` invalid ones."""
    org = community_of(county)
    place = Estate.objects.filter(region__code__startswith=county).values("lon", "lat").first()
    example = {**copy.deepcopy(catalogue.get("estate").example), "lon": str(place["lon"]), "lat": str(place["lat"])}
    records = [{**example, "uid": f"h{serial}-{i}", "orgCode": org, "unitCode": f"{org}{serial + i:06d}"} for i in range(good)]
    records += [{**example, "uid": f"bad{serial}-{i}", "orgCode": org, "unitCode": "坏编码"} for i in range(bad)]
    return records


@pytest.fixture
def push_on(city_admin):
    """Push estates as a county system would have on a past day (the simulator's --history path)."""
    systems = {}

    def push_on(county, days_ago, records):
        if county not in systems:
            systems[county] = clients.api_client_create(actor=city_admin, name="健康度测试", region=Region.objects.get(code=county + "000000"))[0]
        when = timezone.now() - timedelta(days=days_ago)
        body = json.dumps({"records": records}, ensure_ascii=False).encode()
        return push.push_receive(client=systems[county], spec=catalogue.get("estate"), body=body, received_at=when)

    return push_on


@pytest.fixture
def week_of_flows(push_on):
    for day in range(7):
        push_on(JIAOJIANG, day, estates(JIAOJIANG, 800000 + day * 10))
        push_on(TIANTAI, day, estates(TIANTAI, 800000 + day * 10, bad=1))
        if day >= 3:
            push_on(SANMEN, day, estates(SANMEN, 800000 + day * 10))
