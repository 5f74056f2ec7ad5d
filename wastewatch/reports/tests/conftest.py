"""A small simulated stretch of the ledger, recorded through the ledger's own service, and the hand computation
of what the indicators must say about it."""
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from wastewatch.events.choices import AlertKind, AlertSource
from wastewatch.events.services import alert_raise
from wastewatch.ledger.services import movement_record
from wastewatch.registry.models import Estate, Site, Vehicle
from wastewatch.reports.refresh import aggregates_refresh

SHANGHAI = ZoneInfo("Asia/Shanghai")
JIAOJIANG, HUANGYAN = "331002", "331003"
MARCH = datetime(2025, 3, 1, tzinfo=SHANGHAI)


@dataclass
class Recorded:
    stage: str
    category: str
    net_t: Decimal
    origin: str
    to_kind: str = ""
    from_kind: str = ""
    estate_id: int | None = None


class LedgerStretch:
    """Three weeks of March 2025 in two counties: pickups at drop-off points, transfer to treatment, recyclables
    to the sorting centre, and camera alerts at the points."""

    def __init__(self, actor):
        self.actor = actor
        self.recorded: list[Recorded] = []
        self.facility = {k: Site.objects.filter(kind=k).order_by("code").first() for k in ("incineration", "perishable", "landfill", "sorting")}
        self.vehicle = Vehicle.objects.order_by("-capacity_t", "plate").first()
        self.points = {county: list(Site.objects.filter(kind="dropoff", region__code__startswith=county, estate__isnull=False)
                                    .select_related("estate").order_by("code")[:2]) for county in (JIAOJIANG, HUANGYAN)}

    def record(self, *, stage, category, net_t, at, origin, from_site=None, to_site=None):
        movement_record(actor=self.actor, stage=stage, occurred_at=at, category=category, net_t=net_t, source="page",
                        origin_code=origin, from_site=from_site, from_label="" if from_site else "收运车辆", to_site=to_site,
                        vehicle=self.vehicle, check_scope=False)
        self.recorded.append(Recorded(stage, category, Decimal(str(net_t)), origin, to_site.kind if to_site else "",
                                      from_site.kind if from_site else "", from_site.estate_id if from_site else None))

    def build(self):
        for day in range(0, 21, 3):
            at = MARCH + timedelta(days=day, hours=8)
            for county, scale in ((JIAOJIANG, 1.0), (HUANGYAN, 0.6)):
                for i, point in enumerate(self.points[county]):
                    origin = point.region_id
                    for category, tonnes in (("0101", 1.2), ("0200", 2.5), ("0400", 0.4), ("0300", 0.01)):
                        self.record(stage="pickup", category=category, net_t=round(tonnes * scale + i * 0.1, 3), at=at, origin=origin, from_site=point)
                    self.record(stage="facility_in", category="0200", net_t=round(2.3 * scale + i * 0.1, 3), at=at + timedelta(hours=3),
                                origin=origin, to_site=self.facility["incineration"])
                    self.record(stage="facility_in", category="0100", net_t=round(1.1 * scale + i * 0.1, 3), at=at + timedelta(hours=3),
                                origin=origin, to_site=self.facility["perishable"])
                    self.record(stage="facility_in", category="0200", net_t=round(0.3 * scale, 3), at=at + timedelta(hours=4),
                                origin=origin, to_site=self.facility["landfill"])
                    self.record(stage="sorting_in", category="0401", net_t=round(0.35 * scale + i * 0.05, 3), at=at + timedelta(hours=5),
                                origin=origin, to_site=self.facility["sorting"])
                    if day % 6 == 0:
                        alert_raise(actor=self.actor, kind=AlertKind.MIXED_DROPOFF, source=AlertSource.CAMERA, at=at + timedelta(hours=i),
                                    title="混合投放", site=point, source_ref=f"test:{point.pk}:{day}")
        aggregates_refresh()
        return self

    # The hand computation, straight from what was recorded.
    def tonnes(self, prefix, *, stage, cats, to_kinds=None):
        return sum((r.net_t for r in self.recorded if r.origin.startswith(prefix) and r.stage == stage and r.category[:2] in cats
                    and (to_kinds is None or r.to_kind in to_kinds)), Decimal(0))

    def population(self, prefix):
        return sum(e.population for e in Estate.objects.filter(region__code__startswith=prefix, is_active=True))


def plan_day_play(actor, *, day, vehicle, served, skipped):
    """A collection plan of two points for `vehicle`: the truck stays at `served` inside its window (07:00-07:30)
    and never reaches `skipped` (08:00-08:30); tracking decides both at night."""
    from datetime import time

    from wastewatch.tracking import checks
    from wastewatch.tracking.pipeline import Fix, positions_ingest
    from wastewatch.tracking.services import collection_plan_save

    collection_plan_save(actor=actor, vehicle=vehicle, name="测试早班", weekdays="1234567",
                         points=[(served, time(7, 0), time(7, 30)), (skipped, time(8, 0), time(8, 30))])
    start = datetime.combine(day, time(7, 10), SHANGHAI)
    positions_ingest(actor=None, source="interface", fixes=[
        Fix(vehicle_id=vehicle.pk, at=start + timedelta(seconds=30 * i), lon=float(served.lon), lat=float(served.lat)) for i in range(10)])
    checks.point_results_evaluate(now=datetime.combine(day, time(23, 0), SHANGHAI))


def _high_water() -> dict:
    """The largest primary key of every table with integer keys."""
    from django.apps import apps
    from django.db.models import Max

    out = {}
    for model in apps.get_models():
        if model._meta.pk.get_internal_type() in ("AutoField", "BigAutoField") and not model._meta.proxy and model._meta.managed:
            out[model] = model.objects.aggregate(m=Max("pk"))["m"] or 0
    return out


def _remove_since(high_water: dict) -> None:
    """Delete every row made after the high-water marks, retrying what another new row still protects."""
    from django.db import IntegrityError, transaction
    from django.db.models import ProtectedError, RestrictedError

    pending = [m for m, top in high_water.items() if m.objects.filter(pk__gt=top).exists()]
    for _ in range(len(pending) + 1):
        blocked = []
        for model in pending:
            try:
                with transaction.atomic():
                    model.objects.filter(pk__gt=high_water[model]).delete()
            except (ProtectedError, RestrictedError, IntegrityError):
                blocked.append(model)
        if not blocked:
            return
        pending = blocked
    raise AssertionError(f"rows the stretch made could not be removed: {pending}")


@pytest.fixture(scope="package")
def stretch(django_db_setup, django_db_blocker):
    """Built once for the package's tests (each test still runs in its own rolled-back transaction), and removed
    after them, so that the rest of the suite sees the demo city as it was."""
    from wastewatch.accounts.models import User

    with django_db_blocker.unblock():
        high_water = _high_water()
        built = LedgerStretch(User.objects.select_related("role", "region").get(username="city_admin")).build()
    yield built
    with django_db_blocker.unblock():
        _remove_since(high_water)
        from wastewatch.reports.models import RefreshState

        RefreshState.objects.all().delete()  # the next refresh rescans what is left


STANDING_USERS = ("city_admin", "jiaojiang_admin")


def _issue(username) -> str:
    """A Bearer token from the real token endpoint."""
    from wastewatch.simulator.democity import DEMO_PASSWORD

    response = Client().post("/api/v1/accounts/token", {"username": username, "password": DEMO_PASSWORD}, content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()["token"]


@pytest.fixture(scope="package")
def issued_tokens(django_db_setup, django_db_blocker):
    """Tokens of the standing users, issued once for the package and removed after it: each issue checks a password
    hash (about half a second here), and these tests ask for a client some forty times."""
    with django_db_blocker.unblock():
        high_water = _high_water()
        tokens = {username: _issue(username) for username in STANDING_USERS}
    yield tokens
    with django_db_blocker.unblock():
        _remove_since(high_water)


@pytest.fixture
def api_client(issued_tokens):
    """The root fixture's client with a real Bearer token: the package's for the standing users, a fresh one else."""

    def make(user):
        client = Client()
        client.defaults["HTTP_AUTHORIZATION"] = "Bearer " + (issued_tokens.get(user.username) or _issue(user.username))
        return client

    return make
