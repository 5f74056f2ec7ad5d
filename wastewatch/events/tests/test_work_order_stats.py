"""The closed-loop statistics (on-time rate, average handling hours, reopen rate, by unit or by kind) read the handling
time stored on each order at its completion report. These tests hold that stored figure to the order's own timeline —
through a send-back and a second report, and for orders reported before the field existed — and the statistics
served by the API to a reference computed from the orders' rows."""
import importlib
from collections import defaultdict
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from wastewatch.events.choices import DONE_STATUSES
from wastewatch.events.models import WorkOrder
from wastewatch.events.services.workorders import (
    work_order_accept, work_order_approve, work_order_close, work_order_create, work_order_report, work_order_send_back)
from wastewatch.registry.models import Region

from .conftest import FACE_JPEG

pytestmark = pytest.mark.django_db


def _dispatched_hours_ago(order, hours):
    """An order dispatched `hours` ago: the clock of the services is now, so the dispatch is moved back instead."""
    at = timezone.now() - timedelta(hours=hours)
    WorkOrder.objects.filter(pk=order.pk).update(dispatched_at=at, deadline=at + timedelta(hours=order.deadline_hours))
    order.refresh_from_db()
    return order


def _order(actor, unit, kind, *, hours_ago, report=True, close=False, send_back=False):
    order = _dispatched_hours_ago(work_order_create(actor=actor, kind=kind, title=f"{kind} {unit.name}", unit=unit, deadline_hours=8), hours_ago)
    work_order_accept(actor=actor, order=order)
    if report:
        work_order_report(actor=actor, order=order, comment="已处置", photos=[FACE_JPEG])
    if send_back:
        work_order_send_back(actor=actor, order=order, comment="照片不清")
    if close:
        work_order_approve(actor=actor, order=order)
        work_order_close(actor=actor, order=order)
    order.refresh_from_db()
    return order


def _reference(orders, key):
    """The statistics as the old selector computed them, from each order's dispatch and report times."""
    groups = defaultdict(list)
    for o in orders:
        groups[key(o)].append(o)
    out = {}
    for k, rows in groups.items():
        reported = [o for o in rows if o.on_time is not None]
        spans = [(o.reported_at - o.dispatched_at).total_seconds() for o in rows if o.reported_at]
        out[k] = {
            "total": len(rows), "done": sum(o.status in DONE_STATUSES for o in rows),
            "on_time_rate": round(sum(bool(o.on_time) for o in reported) / len(reported), 4) if reported else None,
            "avg_hours": round(sum(spans) / len(spans) / 3600, 2) if spans else None,
            "reopen_rate": round(sum(o.reopen_count > 0 for o in rows) / len(rows), 4),
            "escalated": sum(o.escalation_level > 0 for o in rows),
        }
    return out


def test_a_sent_back_order_reported_again_counts_its_second_report(city_admin):
    unit = Region.objects.filter(level="community", code__startswith="331002").order_by("code").first()
    order = _order(city_admin, unit, "overflow", hours_ago=5)
    first = order.handling_time
    assert first == order.reported_at - order.dispatched_at and timedelta(hours=5) <= first < timedelta(hours=5, minutes=1)

    work_order_send_back(actor=city_admin, order=order, comment="照片看不到桶周边")
    order.refresh_from_db()
    assert order.handling_time is None and order.reported_at is None and order.reopen_count == 1

    # Three more hours pass before the second report (moved back, like the dispatch: the services read the clock).
    _dispatched_hours_ago(order, 8)
    work_order_report(actor=city_admin, order=order, comment="已重新清理并补拍", photos=[FACE_JPEG])
    order.refresh_from_db()
    assert order.handling_time == order.reported_at - order.dispatched_at
    assert timedelta(hours=8) <= order.handling_time < timedelta(hours=8, minutes=1)
    report = order.steps.filter(action="report").last()
    assert abs((report.at - order.dispatched_at) - order.handling_time) < timedelta(seconds=5)  # the timeline agrees


def test_statistics_by_unit_and_by_kind_match_the_orders_timelines(city_admin, county_admin, api_client):
    units = list(Region.objects.filter(level="community", code__startswith="331002").order_by("code")[:2])
    units.append(Region.objects.filter(level="community").exclude(code__startswith="331002").order_by("code").first())
    made = [
        _order(city_admin, units[0], "overflow", hours_ago=3, close=True),
        _order(city_admin, units[0], "overflow", hours_ago=30, close=True),       # reported after its 8-hour deadline
        _order(city_admin, units[0], "littering", hours_ago=2, send_back=True),    # reopened, waiting for its next report
        _order(city_admin, units[1], "littering", hours_ago=6.5),
        _order(city_admin, units[1], "overflow", hours_ago=1, report=False),       # still being handled
        _order(city_admin, units[2], "littering", hours_ago=7.5, close=True),      # another county
    ]
    assert [o.on_time for o in made] == [True, False, None, True, None, True]
    since = (timezone.localtime() - timedelta(days=3)).date().isoformat()

    for user, orders in ((city_admin, made), (county_admin, [o for o in made if o.region_code.startswith("331002")])):
        client = api_client(user)
        by_unit = client.get(f"/api/v1/events/stats?by=unit&since={since}").json()
        expected = _reference(orders, lambda o: (o.unit.name, o.region_code))
        assert {(r["key"], r["region_code"]): {k: r[k] for k in expected[next(iter(expected))]} for r in by_unit} == expected
        assert [r["total"] for r in by_unit] == sorted((r["total"] for r in by_unit), reverse=True)

        by_kind = client.get(f"/api/v1/events/stats?by=kind&since={since}").json()
        expected = _reference(orders, lambda o: o.kind)
        assert {r["key"]: {k: r[k] for k in expected[next(iter(expected))]} for r in by_kind} == expected
        assert all(r["region_code"] == "" for r in by_kind)

    overflow = _reference(made, lambda o: o.kind)["overflow"]
    assert overflow["avg_hours"] == pytest.approx(16.5, abs=0.02) and overflow["on_time_rate"] == 0.5


def test_the_migration_fills_the_handling_time_of_orders_reported_before_it(city_admin):
    unit = Region.objects.filter(level="community", code__startswith="331002").order_by("code").first()
    done = _order(city_admin, unit, "overflow", hours_ago=7, close=True)
    open_order = _order(city_admin, unit, "littering", hours_ago=1, report=False)
    WorkOrder.objects.filter(pk__in=[done.pk, open_order.pk]).update(handling_time=None)

    migration = importlib.import_module("wastewatch.events.migrations.0006_work_order_handling_time")
    migration.backfill_handling_time(apps, SimpleNamespace(connection=connection))

    done.refresh_from_db()
    open_order.refresh_from_db()
    assert done.handling_time == done.reported_at - done.dispatched_at and open_order.handling_time is None
