"""The ledger over a year: ingest rate of a year of movements, and the latency of the mass balance and of the
forward and backward traces over that year.

    .venv/bin/python bench/bench_ledger.py [--db sqlite|postgres|all] [--days 365] [--vehicles 900] [--reps 10]
                                          [--city full|small]

On a fresh copy of the prepared full demo city (bench/prepare.py) — or, with --city small, on a database of its own
with the small demo city (migrate + demo --size small), for a quick run without the master.

The year is the chain the simulator plays (chain.py), generated in the same shape for speed: each vehicle of the
fleet (the first --vehicles by plate) makes one round a day — four pickups at drop-off points of its county's
estates, weighed in at the county's transfer station (gross, tare, net); each station load leaves on a container
truck for the nearest incinerator, which weighs it in; the incinerator's hourly bottom ash and fly ash leave with
a destination. Movements go in through `movement_record_many` (the bulk path of the interface landers: validation,
weighbridge checks, duplicate look-up, audit rows) in batches of 1,000: rows/s counts movements (an audit row each).

Then, --reps times each (p50/p95): the city's mass balance of one day; one station's balance over the year; a
forward trace of an estate over the year (to the plant, its outputs and their destinations); a backward trace of
the busiest incinerator over the year (to stations, estates, streets and counties).
Writes bench/results/ledger-<backend>.json. With --db all each backend runs in its own process.
"""
import argparse
import subprocess
import sys
import time
from datetime import date, datetime, timedelta

import common

DB = "bench_ledger"
BATCH = 1000


def prepare_database(backend, city):
    if city == "full":
        return common.fresh_database(backend, DB)
    common.drop(backend, DB)
    if backend == "postgres":
        common._pg_admin([f'CREATE DATABASE "{DB}"'])
    common.manage(backend, DB, "migrate", "--noinput", "-v0")
    common.manage(backend, DB, "demo", "--size", "small", "-v0")
    return common.db_env(backend, DB)


def year_of_movements(days, vehicles_wanted, first_day):
    """Yield the year's movement items, a day at a time (kwargs of movement_record_many)."""
    import random

    from django.utils import timezone

    from wastewatch.registry.models import Site, Vehicle

    rng = random.Random(2026)
    vehicles = list(Vehicle.objects.filter(category_id="0200").select_related("hauler").order_by("plate")[:vehicles_wanted])
    stations = {s.region_id[:6]: s for s in Site.objects.filter(kind="transfer").order_by("code")}
    plants = list(Site.objects.filter(kind="incineration").order_by("code"))
    dropoffs = {}
    for s in Site.objects.filter(kind="dropoff").select_related("estate").order_by("code"):
        dropoffs.setdefault(s.region_id[:6], []).append(s)
    containers = {c6: v for v in Vehicle.objects.filter(vehicle_type="hooklift").order_by("plate") for c6 in [v.region_id[:6]]}
    for n in range(days):
        day = first_day + timedelta(days=n)
        start = timezone.make_aware(datetime.combine(day, datetime.min.time())) + timedelta(hours=6)
        items, station_loads = [], {}
        for i, v in enumerate(vehicles):
            county = v.region_id[:6]
            points, station = dropoffs.get(county), stations.get(county)
            if not points or station is None:
                continue
            at, load, capacity = start + timedelta(minutes=i % 120), 0.0, float(v.capacity_t)
            for k in range(4):
                point = points[(i * 4 + k + n) % len(points)]
                t = round(capacity * rng.uniform(0.08, 0.2), 2)  # four calls fill the truck to 30-80%
                load += t
                at += timedelta(minutes=12)
                items.append(dict(stage="pickup", occurred_at=at, category="0200", net_t=str(t), from_site=point,
                                  from_estate=point.estate, vehicle=v, source_interface="haul-away",
                                  source_key=f"{point.code}|{v.plate}|{at:%Y%m%d%H%M}"))
            at += timedelta(minutes=30)
            tare = float(v.tare_t or 5)
            items.append(dict(stage="transfer_in", occurred_at=at, category="0200", net_t=f"{load:.2f}", gross_t=f"{tare + load:.2f}",
                              tare_t=f"{tare:.2f}", to_site=station, vehicle=v, source_interface="transfer-job",
                              source_key=f"{station.code}|{v.plate}|{at:%Y%m%d%H%M%S}"))
            station_loads.setdefault(station.pk, [station, 0.0, at])
            station_loads[station.pk][1] += load
            station_loads[station.pk][2] = max(station_loads[station.pk][2], at)
        plant_in = {}
        for station, load, last in station_loads.values():
            truck, plant = containers.get(station.region_id[:6]), plants[int(station.code) % len(plants)] if plants else None
            if truck is None or plant is None:
                continue
            remaining, trip = round(load * 0.97, 2), 0
            while remaining > 0:  # container trips of at most the truck's rated load
                out = min(remaining, float(truck.capacity_t) * 0.9)
                remaining = round(remaining - out, 2)
                leave = last + timedelta(minutes=40 + 90 * trip)
                trip += 1
                items.append(dict(stage="transfer_out", occurred_at=leave, category="0200", net_t=f"{out:.2f}", from_site=station,
                                  vehicle=truck, source_interface="transfer-job",
                                  source_key=f"{station.code}|{truck.plate}|{leave:%Y%m%d%H%M%S}|out"))
                arrive = leave + timedelta(minutes=35)
                items.append(dict(stage="facility_in", occurred_at=arrive, category="0200", net_t=f"{out:.2f}", to_site=plant,
                                  from_site=station, vehicle=truck, origin_code=station.region_id[:6] + "000000",
                                  source_interface="facility-intake", source_key=f"{plant.code}|{truck.plate}|{arrive:%Y%m%d%H%M%S}"))
                plant_in[plant.pk] = (plant, plant_in.get(plant.pk, (plant, 0.0))[1] + out)
        for plant, treated in plant_in.values():
            evening = start + timedelta(hours=15)
            for category, share, receiver in (("1003", 0.2, "台州市建材综合利用有限公司"), ("HW18", 0.03, "台州市飞灰安全填埋场")):
                amount = f"{treated * share:.2f}"
                items.append(dict(stage="output", occurred_at=evening, category=category, net_t=amount, from_site=plant,
                                  to_label="厂内暂存", source_interface="facility-output", source_key=f"{plant.code}|{category}|{day}"))
                items.append(dict(stage="output_out", occurred_at=evening + timedelta(minutes=10), category=category, net_t=amount,
                                  from_site=plant, to_label=receiver, source_interface="output-destination",
                                  source_key=f"{plant.code}|{category}|{day}|bill"))
        yield day, items


def run(backend, args):
    env = prepare_database(backend, args.city)
    common.django_setup(backend, DB)
    from wastewatch.ledger import selectors
    from wastewatch.ledger.balance import site_balances
    from wastewatch.ledger.models import Movement
    from wastewatch.ledger.services import movement_record_many
    from wastewatch.ledger.trace import trace_backward, trace_forward
    from wastewatch.registry.models import Estate, Site

    from wastewatch.registry.models import Vehicle

    args.vehicles = min(args.vehicles, Vehicle.objects.filter(category_id="0200").count())  # what the city has
    first_day = date(2025, 1, 1)
    last_day = first_day + timedelta(days=args.days - 1)
    rows, ingest_s, pending = 0, 0.0, []

    def flush(batch):
        nonlocal rows, ingest_s
        started = time.perf_counter()
        saved, problems = movement_record_many(actor=None, items=batch, source="interface", audit_source="interface")
        ingest_s += time.perf_counter() - started
        assert not problems, problems[:3]
        rows += len(saved)

    for day, items in year_of_movements(args.days, args.vehicles, first_day):
        pending += items
        while len(pending) >= BATCH:
            flush(pending[:BATCH])
            pending = pending[BATCH:]
    if pending:
        flush(pending)
    print(f"{backend}: {rows} movements in {ingest_s:.1f} s", flush=True)

    everything = Movement.objects.all()
    station = Site.objects.filter(kind="transfer", movements_in__isnull=False).distinct().order_by("code").first()
    plant = max(Site.objects.filter(kind="incineration"), key=lambda p: Movement.objects.filter(to_site=p).count())
    estates = list(Estate.objects.filter(movements_out__isnull=False).distinct().order_by("code")[: args.reps])
    timings = {}

    def timed(name, fn, reps):
        values = []
        for i in range(reps):
            started = time.perf_counter()
            fn(i)
            values.append((time.perf_counter() - started) * 1000)
        timings[name] = {"n": reps, "p50_ms": round(common.percentile(values, 50), 1), "p95_ms": round(common.percentile(values, 95), 1)}

    days = [first_day + timedelta(days=(i * 37) % args.days) for i in range(args.reps)]
    timed("balance: city, one day", lambda i: site_balances(movements=everything, sites=Site.objects.all(), day_from=days[i], day_to=days[i]), args.reps)
    timed("balance: one station, the year", lambda i: site_balances(movements=everything, sites=Site.objects.filter(pk=station.pk),
                                                                    day_from=first_day, day_to=last_day), args.reps)
    timed("forward trace: estate, the year", lambda i: trace_forward(movements=everything, estate=estates[i % len(estates)],
                                                                     day_from=first_day, day_to=last_day), args.reps)
    timed("backward trace: incinerator, the year", lambda i: trace_backward(movements=everything, site=plant, day_from=first_day,
                                                                            day_to=last_day), max(3, args.reps // 3))
    timed("movement totals by county and stage, the year",
          lambda i: selectors.movement_totals(day_from=first_day, day_to=last_day, by=("origin_code", "stage")), args.reps)
    result = {"backend": backend, "city": args.city, "days": args.days, "vehicles": args.vehicles, "movements": rows,
              "ingest_s": round(ingest_s, 1), "rows_per_s": round(rows / ingest_s) if ingest_s else None, "timings": timings}
    common.print_table(f"Ledger over {args.days} days ({backend}, {args.city} demo city, {args.vehicles} vehicles)",
                       ["measurement", "n", "p50 ms", "p95 ms"], [(k, v["n"], v["p50_ms"], v["p95_ms"]) for k, v in timings.items()])
    print(f"ingest: {rows} movements, {result['rows_per_s']} rows/s")
    common.write_json(f"ledger-{backend}", result)
    common.drop(backend, DB)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common.backends_arg(parser)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--vehicles", type=int, default=900)
    parser.add_argument("--reps", type=int, default=10)
    parser.add_argument("--city", choices=("full", "small"), default="full")
    args = parser.parse_args()
    backends = common.selected(args)
    if len(backends) > 1:  # Django is set up once per process
        for backend in backends:
            subprocess.run([sys.executable, __file__, "--db", backend, "--days", str(args.days), "--vehicles", str(args.vehicles),
                            "--reps", str(args.reps), "--city", args.city], check=True)
        return
    run(backends[0], args)


if __name__ == "__main__":
    main()
