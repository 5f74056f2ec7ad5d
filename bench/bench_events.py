"""Events benchmark: camera alerts ingested per second with an image (every event a new place, and every event a
repeat that merges), through the signed API in-process (Django's test client: the full view, signing, SM3, evidence
files, alert and occurrence rows, dispatch by rule); the face-detection job over the images stored; then the alert list API and the closed-loop statistics over a
year of alerts and work orders spread over the full demo city.

A year of the full demo city (the issue's size): its 8,000 drop-off points raising about two alerts a month each
once repeats are merged, 200,000 alerts, each with its work order.

    .venv/bin/python bench/bench_events.py --db sqlite --events 200 --year-alerts 200000
    .venv/bin/python bench/bench_events.py --db sqlite --reads-only   # the reads again, on the year left by a full run

--reads-only skips the fresh copy, the ingest and the year's bulk write (about 5 minutes on SQLite here): it migrates
the bench_events database a previous full run left (so a data migration of the events app runs on a year of rows, and
is timed) and times the alert list and statistics reads on it.
"""
import argparse
import base64
import json
import os
import random
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import common


def main():
    parser = argparse.ArgumentParser()
    common.backends_arg(parser)
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--year-alerts", type=int, default=200000, help="alerts (and work orders) in the year")
    parser.add_argument("-n", type=int, default=30, help="timed requests per read")
    parser.add_argument("--reads-only", action="store_true", help="time the reads on the year of the previous full run")
    args = parser.parse_args()
    results = {}
    for backend in common.selected(args):
        name = "bench_events"
        if args.reads_only:
            if not common.exists(backend, name):
                raise SystemExit(f"no {backend} bench_events database left by a full run: run without --reads-only first")
            migrate_s = common.manage(backend, name, "migrate", "--noinput", "-v0")
            common.django_setup(backend, name)
            settle(backend)
            results[backend] = {"migrate s (the year's rows in place)": round(migrate_s, 1), **reads(backend, name, args)}
            continue
        common.fresh_database(backend, name)
        results[backend] = run(backend, name, args)
    rows = []
    for backend, r in results.items():
        rows += [[backend, k, v] for k, v in r.items()]
    common.print_table("events", ["db", "measurement", "value"], rows)
    common.write_json("bench_events", {"args": vars(args), "results": results})


def run(backend, name, args):
    common.django_setup(backend, name)
    os.environ.setdefault("WASTEWATCH_EVIDENCE_ROOT", tempfile.mkdtemp(prefix="bench-evidence-"))
    from django.conf import settings
    from django.test import Client
    from django.utils import timezone

    settings.EVIDENCE_ROOT = Path(os.environ["WASTEWATCH_EVIDENCE_ROOT"])
    from wastewatch.events.models import Alert, WorkOrder
    from wastewatch.interfaces import clients, signing
    from wastewatch.registry.models import Device, Region, Site

    image = (common.SRC / "wastewatch" / "events" / "data" / "astronaut.jpg").read_bytes()
    platform, secret = clients.api_client_create(actor=None, name="bench camera platform", region=Region.objects.get(code="331002000000"))
    cameras = list(Device.objects.filter(kind="camera", region__code__startswith="331002").order_by("code")[: args.events])
    http = Client()
    at0 = timezone.localtime() - timedelta(days=2)

    def push(camera, event_id, at):
        body = json.dumps({"eventId": event_id, "deviceCode": camera.code, "alertType": "littering", "alertTime": at.strftime("%Y-%m-%d %H:%M:%S"),
                           "images": [{"data": base64.b64encode(image).decode()}]}).encode()
        headers = signing.headers_for(platform.app_key, secret, "POST", "/api/v1/events/camera-events", body)
        response = http.post("/api/v1/events/camera-events", body, content_type="application/json",
                             **{"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()})
        assert response.status_code == 201, response.content

    out = {"image_bytes": len(image), "cameras": len(cameras)}
    started = time.perf_counter()
    for i in range(args.events):
        push(cameras[i % len(cameras)], f"new-{i}", at0 + timedelta(hours=i))  # hours apart: each a new alert
    out["new alerts/s (image each)"] = round(args.events / (time.perf_counter() - started), 1)
    started = time.perf_counter()
    for i in range(args.events):
        push(cameras[0], f"rep-{i}", at0 + timedelta(hours=args.events + 1, seconds=i))  # same point, same window: merged
    out["merged repeats/s (image each)"] = round(args.events / (time.perf_counter() - started), 1)
    # Faces are looked for after the push is answered, by the periodic job: its rate is the other half of the cost.
    from wastewatch.events.services.evidence import evidence_faces_detect_pending

    started = time.perf_counter()
    detected = evidence_faces_detect_pending(limit=10 * args.events)
    out["face detection job images/s"] = round(detected / (time.perf_counter() - started), 1)

    # A year of alerts and work orders over the whole city, written in bulk (the ingest path is measured above).
    rng = random.Random(7)
    sites = list(Site.objects.filter(kind="dropoff").values_list("pk", "region_id", "lon", "lat")[:8000])
    communities = {r.code: r for r in Region.objects.filter(level="community")}
    now = timezone.now()
    kinds = ["littering", "mixed_dropoff", "overflow", "bag_outside", "off_hours", "illegal_dumping"]
    alerts = []
    for i in range(args.year_alerts):
        pk, region, lon, lat = rng.choice(sites)
        at = now - timedelta(seconds=rng.randrange(365 * 86400))
        alerts.append(Alert(kind=rng.choice(kinds), source="camera", region_code=region, site_id=pk, lon=float(lon or 0), lat=float(lat or 0),
                            title="bench", place_key=f"site:{pk}", first_at=at, last_at=at, status="resolved"))
    started = time.perf_counter()
    Alert.objects.bulk_create(alerts, batch_size=2000)
    made = list(Alert.objects.filter(title="bench").values_list("pk", "kind", "region_code", "first_at"))
    orders = []
    for n, (pk, kind, region, at) in enumerate(made):
        if region not in communities:
            continue
        late = rng.random() < 0.15
        handling = timedelta(hours=30 if late else rng.randrange(1, 20))
        orders.append(WorkOrder(number=f"B{n:09d}", alert_id=pk, kind=kind, title="bench", region_code=region, unit_id=region, status="closed",
                                deadline_hours=24, dispatched_at=at, deadline=at + timedelta(hours=24), reported_at=at + handling, handling_time=handling,
                                closed_at=at + timedelta(hours=36), on_time=not late, reopen_count=1 if rng.random() < 0.05 else 0))
    WorkOrder.objects.bulk_create(orders, batch_size=2000)
    out["year rows written (alerts / work orders)"] = f"{len(made)} / {len(orders)}"
    out["bulk write s"] = round(time.perf_counter() - started, 1)
    settle(backend)
    return {**out, **reads(backend, name, args)}


def settle(backend):
    """On PostgreSQL, what autovacuum does within a minute or two of a bulk write or of a data migration that updated
    the year: statistics for the planner (otherwise it guesses 200,000 groups and sorts to disk) and no dead rows.
    A real year accrues over a year, so its reads never meet the table in the state a bulk write leaves."""
    if backend != "postgres":
        return
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) events_alert")
        cursor.execute("VACUUM (ANALYZE) events_workorder")


def reads(backend, name, args):
    """p50 / p95 of the alert list (API and page) and of the year's closed-loop statistics, as the city admin."""
    common.django_setup(backend, name)
    from django.test import Client
    from django.utils import timezone

    from wastewatch.accounts.models import Role, User
    from wastewatch.accounts.permissions import ACTIONS
    from wastewatch.events.models import WorkOrder
    from wastewatch.events.selectors import work_order_stats

    # A master prepared before the events permissions existed has a city_admin role without them.
    Role.objects.filter(code="city_admin").update(actions=list(ACTIONS))
    admin = User.objects.select_related("role").get(username="city_admin")
    reader = Client()
    reader.force_login(admin)
    out = {}

    def timed(fn):
        fn()  # the first call loads templates and warms caches: not what a user meets on the hundredth page
        samples = []
        for _ in range(args.n):
            t = time.perf_counter()
            response = fn()
            assert getattr(response, "status_code", 200) == 200, response
            samples.append((time.perf_counter() - t) * 1000)
        return f"{statistics.median(samples):.1f} / {common.percentile(samples, 95):.1f} ms"

    out["alert list API page 1, p50 / p95"] = timed(lambda: reader.get("/api/v1/events/alerts?page=1"))
    out["alert list API kind+county filter, p50 / p95"] = timed(lambda: reader.get("/api/v1/events/alerts?kind=overflow&region=331002"))
    out["alert list page 100, p50 / p95"] = timed(lambda: reader.get("/events/alerts/?page=100"))
    now = timezone.now()
    year = now - timedelta(days=365)
    out["work orders in the year"] = WorkOrder.objects.filter(dispatched_at__gte=year, dispatched_at__lt=now).count()
    out["stats by unit, a year, city, p50 / p95"] = timed(lambda: work_order_stats(user=admin, since=year, until=now, by="unit"))
    out["stats by kind, a year, city, p50 / p95"] = timed(lambda: work_order_stats(user=admin, since=year, until=now, by="kind"))
    return out


if __name__ == "__main__":
    main()
