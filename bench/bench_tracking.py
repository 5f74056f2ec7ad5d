"""Vehicle positions through the whole tracking pipeline (decode, store, latest position, geofence visits, rules),
by the JT/T 808 gateway and by the vehicle-gps HTTP interface, and stop detection next to movingpandas.

    .venv/bin/python bench/bench_tracking.py [--db sqlite|postgres|all] [--vehicles 2000] [--seconds 40]
                                             [--intervals 10,5,2.5,1.25] [--skip-gateway] [--skip-http] [--skip-stops]

For each backend, a fresh copy of the prepared demo city (bench/prepare.py), topped up to --vehicles vehicles
(bench vehicles spread over the counties' haulers), with the demo's collection plans (fleet.plans_create) so the
off-route rule has routes to check. Every vehicle drives a straight line across its county at 30 km/h; one in
twenty drives at 80 km/h, so the overspeed rule raises an alert 30 s into each load level.

gateway  `manage.py jt808` as its own process; one asyncio client process holds a TCP connection per vehicle
         (registered and authenticated first, untimed) and sends a 0x0200 location report every INTERVAL seconds
         per vehicle, staggered, for --seconds per level; the gateway answers 0x8001 once the fix is committed.
http     one uvicorn worker (as `serve` runs it); each county system pushes, every second, one signed
         vehicle-gps batch with the fixes its vehicles are due to send (the vehicles are pushed first, untimed).
Load levels go from every 10 s (2,000 vehicles: 200 fixes/s) to shorter intervals until the pipeline saturates:
fewer than 90 % of the offered fixes acknowledged within the level (plus 5 s), or a p95 acknowledgement above 5 s.
Alert latency: from sending the fix that completes an overspeed spell to the alert's row being committed
(Alert.created_at), per speeder and level.

stops    the demo fleet's runs of the day (simulator/feed/fleet.py, fixes every 10 s) through tracking/stops.py
         and movingpandas' TrajectoryStopDetector(max_diameter=50 m, min_duration=120 s): stops matched by
         start and end (within one fix), and the time of each.

Writes bench/results/tracking-<backend>.json; servers' logs go to bench/results/server-tracking-<backend>-*.log.
"""
import argparse
import asyncio
import json
import math
import random
import socket
import subprocess
import sys
import threading
import time
from datetime import date, datetime, timedelta, timezone

import common
from bench_list import Client, free_port, start_server, stop_server

DB = "bench_tracking"
SPEEDER_EVERY = 20
SATURATION_SHARE = 0.9
SATURATION_P95_S = 5.0


# --- the fleet --------------------------------------------------------------------------------------------------

def top_up_vehicles(target: int) -> list:
    """Bench vehicles (plates 浙JZ5000 on, clear of the demo city's) until the registry holds `target` vehicles with a terminal."""
    from wastewatch.registry.models import Organisation, Vehicle

    have = Vehicle.objects.exclude(terminal_phone="").count()
    haulers = list(Organisation.objects.filter(kind="hauler").order_by("code"))
    extra = [Vehicle(plate=f"浙JZ{5000 + n:04d}", vehicle_type="compressor", category_id="0200",
                     capacity_t=8, tare_t=9.6, hauler=haulers[n % len(haulers)], region_id=haulers[n % len(haulers)].region_id,
                     terminal_id=f"BT{n:06d}", terminal_phone=f"0177{n:08d}") for n in range(max(0, target - have))]
    Vehicle.objects.bulk_create(extra, batch_size=500)
    return list(Vehicle.objects.exclude(terminal_phone="").order_by("plate")[:target])


class Drive:
    """A vehicle's straight line at constant speed, from a point of its county, heading fixed."""

    def __init__(self, vehicle, anchor, n):
        rng = random.Random(n)
        self.vehicle, self.n = vehicle, n
        self.lon, self.lat = anchor
        self.heading = rng.randrange(360)
        self.speeder = n % SPEEDER_EVERY == 0
        self.kmh = 80.0 if self.speeder else 30.0
        self.started = None

    def at(self, moment: datetime, *, slow: bool = False) -> tuple[float, float, float, int]:
        if self.started is None:
            self.started = moment
        metres = (moment - self.started).total_seconds() * self.kmh / 3.6
        rad = math.radians(self.heading)
        lon = self.lon + metres * math.sin(rad) / (111_320 * math.cos(math.radians(self.lat)))
        lat = self.lat + metres * math.cos(rad) / 111_320
        return lon, lat, 20.0 if slow else self.kmh, self.heading


def drives(vehicles) -> list[Drive]:
    from wastewatch.registry.models import Site

    anchors = {}
    for region, lon, lat in Site.objects.filter(kind="dropoff", lon__isnull=False).values_list("region_id", "lon", "lat"):
        anchors.setdefault(region[:6], []).append((float(lon), float(lat)))
    every = [a for v in anchors.values() for a in v]
    return [Drive(v, (anchors.get(v.region_id[:6]) or every)[n % len(anchors.get(v.region_id[:6]) or every)], n)
            for n, v in enumerate(vehicles)]


def wall() -> datetime:
    return datetime.now(timezone.utc)


# --- measuring alerts -------------------------------------------------------------------------------------------

def alert_latencies(since: datetime, sent: dict) -> list[float]:
    """Seconds from sending the fix that completed each overspeed spell to the alert's commit."""
    from wastewatch.events.models import AlertOccurrence
    from wastewatch.tracking.geometry import parse_local

    out = []
    occurrences = AlertOccurrence.objects.filter(alert__kind="overspeed", created_at__gte=since).select_related("alert")
    for occ in occurrences:
        until = parse_local(occ.evidence["until"])
        sent_at = sent.get((occ.alert.vehicle_id, until.replace(microsecond=0)))
        if sent_at is not None:
            out.append((occ.created_at - sent_at).total_seconds())
    return out


def level_summary(name, interval, vehicles, seconds, acks, latencies, alerts):
    offered = vehicles / interval
    achieved = len(acks) / seconds
    p95 = common.percentile(latencies, 95) if latencies else None
    return {
        "path": name, "interval_s": interval, "offered_per_s": round(offered, 1), "acknowledged_per_s": round(achieved, 1),
        "ack_p50_ms": round(common.percentile(latencies, 50) * 1000, 1) if latencies else None,
        "ack_p95_ms": round(p95 * 1000, 1) if p95 is not None else None,
        "alerts": len(alerts), "alert_p95_ms": round(common.percentile(alerts, 95) * 1000, 1) if alerts else None,
        "saturated": achieved < SATURATION_SHARE * offered or (p95 or 0) > SATURATION_P95_S,
    }


def level_done(levels, plan, summary) -> bool:
    """Record a level; every vehicle starts the next one afresh (a new overspeed spell). True once saturated."""
    levels.append(summary)
    print(summary, flush=True)
    for d in plan:
        d.started = None
    return summary["saturated"]


# --- the gateway ------------------------------------------------------------------------------------------------

async def gateway_level(port, terminals, plan, interval, seconds, sent, acks, latencies):
    from wastewatch.tracking.jt808 import codec

    start = time.monotonic()
    level_start = wall()

    async def one(k, terminal, drive):
        await asyncio.sleep(interval * k / len(terminals))
        first = True
        while time.monotonic() - start < seconds:
            now = wall().replace(microsecond=0)
            lon, lat, kmh, heading = drive.at(now, slow=first)
            first = False
            frame = terminal.location(now, lon, lat, speed_kmh=kmh, heading=heading)
            t0 = time.monotonic()
            sent[(drive.vehicle.pk, now)] = wall()
            replies = await terminal.send(frame)
            if replies and replies[0].result == codec.OK:
                acks.append(1)
                latencies.append(time.monotonic() - t0)
            await asyncio.sleep(max(0.0, interval - (time.monotonic() - t0)))

    await asyncio.gather(*(one(k, t, d) for k, (t, d) in enumerate(zip(terminals, plan))))
    return level_start


def wait_for_port(proc, port, log_name):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"jt808 exited with {proc.returncode}; see {log_name}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"jt808 did not listen on port {port} within 60 s; see {log_name}")


def run_gateway(backend, plan, intervals, seconds):
    from wastewatch.tracking.jt808.terminal import AsyncTerminal

    port = free_port()
    log = open(common.RESULTS_DIR / f"server-tracking-{backend}-jt808.log", "w")
    proc = subprocess.Popen([common.PYTHON, "manage.py", "jt808", "--host", "127.0.0.1", "--port", str(port)], cwd=common.SRC,
                            env=common.child_env(backend, DB), stdout=log, stderr=subprocess.STDOUT)
    levels = []
    try:
        wait_for_port(proc, port, log.name)

        async def main():
            terminals = []
            for d in plan:
                t = AsyncTerminal(d.vehicle.terminal_phone, version=1 if d.n % 2 else None)
                await t.connect("127.0.0.1", port)
                terminals.append(t)
            started = time.perf_counter()
            await asyncio.gather(*(t.log_in(d.vehicle.terminal_id) for t, d in zip(terminals, plan)))
            login_s = time.perf_counter() - started
            for interval in intervals:
                sent, acks, latencies = {}, [], []
                level_start = await gateway_level(port, terminals, plan, interval, seconds, sent, acks, latencies)
                await asyncio.sleep(2)
                alerts = await asyncio.to_thread(alert_latencies, level_start, sent)
                if level_done(levels, plan, level_summary("jt808", interval, len(plan), seconds, acks, latencies, alerts)):
                    break
            for t in terminals:
                await t.close()
            return login_s

        login_s = asyncio.run(main())
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
    return {"login_s": round(login_s, 2), "levels": levels}


# --- the HTTP interface -----------------------------------------------------------------------------------------

def push_vehicles_and_clients(backend):
    """Each county system's API client, and its vehicles pushed through the vehicle interface (untimed)."""
    from wastewatch.interfaces import catalogue, push
    from wastewatch.interfaces.clients import api_client_create
    from wastewatch.registry.models import Region
    from wastewatch.simulator.feed import base
    from wastewatch.simulator.feed.county import compose
    from wastewatch.simulator.feed.snapshot import CountyData
    from wastewatch.registry.models import Vehicle

    clients = {}
    spec = catalogue.get("vehicle")
    for county in Region.objects.filter(level="county").order_by("code"):
        client, secret = api_client_create(actor=None, name="bench-tracking", region=county)
        clients[county.code[:6]] = (client.app_key, secret)
        vehicles = list(Vehicle.objects.filter(region__code__startswith=county.code[:6]).exclude(terminal_phone="").select_related("hauler"))
        records = [{**compose(spec, row), "uid": f"bench-veh-{row['code']}", "operation": "I"}
                   for row in base.vehicle(CountyData(code6=county.code[:6], name=county.name, vehicles=vehicles), None, None)]
        for n in range(0, len(records), 1000):
            push.push_receive(client=client, spec=spec, body=json.dumps({"records": records[n:n + 1000]}, ensure_ascii=False).encode())
    return clients


def run_http(backend, plan, intervals, seconds):
    from wastewatch.interfaces import catalogue, signing
    from wastewatch.simulator.feed.county import compose
    from wastewatch.tracking.geometry import local_text

    clients = push_vehicles_and_clients(backend)
    spec = catalogue.get("vehicle-gps")
    port = free_port()
    log = open(common.RESULTS_DIR / f"server-tracking-{backend}-http.log", "w")
    proc = start_server(backend, DB, port, log)
    by_county = {}
    for d in plan:
        by_county.setdefault(d.vehicle.region_id[:6], []).append(d)
    levels = []
    try:
        for interval in intervals:
            sent, acks, latencies = {}, [], []
            level_start = wall()
            stop = time.monotonic() + seconds

            def county_loop(county, drives_):
                client = Client(port)
                app_key, secret = clients[county]
                tick, serial = 0, 0
                first = {d.vehicle.pk: True for d in drives_}
                while time.monotonic() < stop:
                    t_tick = time.monotonic()
                    now = wall().replace(microsecond=0)
                    due = [d for k, d in enumerate(drives_) if int(tick % interval) == int(k * interval / len(drives_)) % max(1, int(interval))] \
                        if interval >= 1 else drives_
                    records = []
                    for d in due:
                        lon, lat, kmh, heading = d.at(now, slow=first[d.vehicle.pk])
                        first[d.vehicle.pk] = False
                        serial += 1
                        row = {"orgCode": d.vehicle.region_id, "code": d.vehicle.plate, "gpsNo": d.vehicle.terminal_id,
                               "locateTime": local_text(now), "locateType": "3", "lon": f"{lon:.6f}", "lat": f"{lat:.6f}",
                               "coordSystem": "WGS84", "speed": kmh, "direction": heading}
                        records.append({**compose(spec, row), "uid": f"b-{county}-{level_start.timestamp():.0f}-{serial}", "operation": "I"})
                        sent[(d.vehicle.pk, now)] = wall()
                    if records:
                        body = json.dumps({"records": records}, ensure_ascii=False).encode()
                        path = "/api/v1/push/vehicle-gps"
                        headers = {"Content-Type": "application/json", **signing.headers_for(app_key, secret, "POST", path, body)}
                        t0 = time.monotonic()
                        status, data, _ = client.request("POST", path, body, headers)
                        if status == 200:
                            accepted = json.loads(data)["accepted"]
                            acks.extend([1] * accepted)
                            latencies.extend([time.monotonic() - t0] * accepted)
                    tick += 1
                    time.sleep(max(0.0, 1.0 - (time.monotonic() - t_tick)))

            threads = [threading.Thread(target=county_loop, args=item) for item in by_county.items()]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            time.sleep(2)
            alerts = alert_latencies(level_start, sent)
            if level_done(levels, plan, level_summary("http", interval, len(plan), seconds, acks, latencies, alerts)):
                break
    finally:
        stop_server(proc)
        log.close()
    return {"levels": levels}


# --- stops ------------------------------------------------------------------------------------------------------

def run_stops(county6="331002"):
    from wastewatch.simulator.feed import fleet, snapshot
    from wastewatch.tracking.stops import detect_stops

    data = snapshot.load(county6)
    tracks = [list(fleet.fixes(run, every_s=10)) for run in fleet.runs(data, date(2026, 11, 23))]
    tracks = [t for t in tracks if len(t) > 2]
    fixes = sum(len(t) for t in tracks)
    started = time.perf_counter()
    ours = [detect_stops(t, max_diameter_m=50, min_duration_s=120) for t in tracks]
    ours_s = time.perf_counter() - started
    try:
        import geopandas as gpd
        import movingpandas as mpd
        import pandas as pd
        from shapely.geometry import Point
    except ImportError:
        return {"tracks": len(tracks), "fixes": fixes, "ours_s": round(ours_s, 4), "ours_stops": sum(map(len, ours)),
                "movingpandas": "not installed: pip install -e '.[bench]'"}
    frames = []
    for n, t in enumerate(tracks):
        frames.append(gpd.GeoDataFrame(pd.DataFrame({"t": [f[0].replace(tzinfo=None) for f in t], "traj": n}),
                                       geometry=[Point(f[1], f[2]) for f in t], crs="EPSG:4326").set_index("t"))
    started = time.perf_counter()
    theirs = []
    for n, frame in enumerate(frames):
        detector = mpd.TrajectoryStopDetector(mpd.Trajectory(frame, n))
        theirs.append(detector.get_stop_time_ranges(max_diameter=50, min_duration=timedelta(seconds=120)))
    theirs_s = time.perf_counter() - started
    same = missing = extra = 0
    for t, mine, ranges in zip(tracks, ours, theirs):
        spans = [(r.t_0, r.t_n) for r in ranges]
        for s in mine:
            hit = any(abs((s.start.replace(tzinfo=None) - a).total_seconds()) <= 10 and abs((s.end.replace(tzinfo=None) - b).total_seconds()) <= 10
                      for a, b in spans)
            same += hit
            extra += not hit
        missing += max(0, len(spans) - sum(1 for s in mine if any(
            abs((s.start.replace(tzinfo=None) - a).total_seconds()) <= 10 for a, _ in spans)))
    return {"tracks": len(tracks), "fixes": fixes, "ours_s": round(ours_s, 4), "movingpandas_s": round(theirs_s, 3),
            "speed_ratio": round(theirs_s / ours_s, 1) if ours_s else None, "ours_stops": sum(map(len, ours)),
            "movingpandas_stops": sum(map(len, theirs)), "same": same, "only_ours": extra, "only_movingpandas": missing}


# --- main -------------------------------------------------------------------------------------------------------

def run_backend(backend, args):
    common.fresh_database(backend, DB)
    common.django_setup(backend, DB)
    from wastewatch.simulator.feed import fleet

    started = time.perf_counter()
    vehicles = top_up_vehicles(args.vehicles)
    plans = fleet.plans_create()
    setup_s = time.perf_counter() - started
    intervals = [float(x) for x in args.intervals.split(",")]
    result = {"backend": backend, "vehicles": len(vehicles), "plans_created": plans, "setup_s": round(setup_s, 1),
              "seconds_per_level": args.seconds}
    if not args.skip_gateway:
        result["gateway"] = run_gateway(backend, drives(vehicles), intervals, args.seconds)
    if not args.skip_http:
        result["http"] = run_http(backend, drives(vehicles), intervals, args.seconds)
    if not args.skip_stops:
        result["stops"] = run_stops()
    rows = [(lv["path"], lv["interval_s"], lv["offered_per_s"], lv["acknowledged_per_s"], lv["ack_p50_ms"], lv["ack_p95_ms"],
             lv["alerts"], lv["alert_p95_ms"], "yes" if lv["saturated"] else "")
            for part in ("gateway", "http") if part in result for lv in result[part]["levels"]]
    common.print_table(f"tracking pipeline, {backend}, {len(vehicles)} vehicles, {args.seconds} s per level",
                       ["path", "every s", "offered/s", "acked/s", "ack p50 ms", "ack p95 ms", "alerts", "alert p95 ms", "saturated"], rows)
    if "stops" in result:
        s = result["stops"]
        common.print_table("stop detection", list(s), [list(s.values())])
    common.write_json(f"tracking-{backend}", result)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    common.backends_arg(parser)
    parser.add_argument("--vehicles", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=40)
    parser.add_argument("--intervals", default="10,5,2.5,1.25,0.6")
    parser.add_argument("--skip-gateway", action="store_true")
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--skip-stops", action="store_true")
    args = parser.parse_args()
    backends = common.selected(args)
    if len(backends) > 1:  # Django is set up once per process: one process per backend
        for backend in backends:
            subprocess.run([sys.executable, __file__, "--db", backend, *sys.argv[1:]], check=True)
        return
    run_backend(backends[0], args)


if __name__ == "__main__":
    main()
