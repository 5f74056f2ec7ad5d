"""The indicator refresh over a year of the full demo city: the time to recompute one day (all levels, from the
ledger, the alerts, the inspections, the work orders and the plan results, with its month and year adjusted), the
time of the pass that builds the whole year, and the size of the Aggregate table that year leaves.

    .venv/bin/python bench/bench_reports.py [--db sqlite|postgres|all] [--days 365] [--vehicles 900] [--reps 10]

The year is bench_ledger.py's generator (each vehicle one round a day: four pickups at its county's drop-off points,
transfer station in and out, incinerator intake, bottom and fly ash), recorded through `movement_record_many` into a
fresh copy of the prepared full demo city (bench/prepare.py). --vehicles below the city's fleet is a reduced year:
fewer rounds a day, the same 365 days and places. The database is kept as `bench_reports` for bench_cockpit.py.
Writes bench/results/reports-<backend>.json."""
import argparse
import subprocess
import sys
import time
from datetime import date, timedelta

import common

DB = "bench_reports"
FIRST_DAY = date(2025, 1, 1)


def build_year(backend, days, vehicles):
    """A fresh copy of the full demo city with `days` days of movements recorded; returns (movements, seconds)."""
    from bench_ledger import BATCH, year_of_movements

    from wastewatch.ledger.services import movement_record_many
    from wastewatch.registry.models import Vehicle

    vehicles = min(vehicles, Vehicle.objects.filter(category_id="0200").count())
    rows, started, pending = 0, time.perf_counter(), []

    def flush(batch):
        nonlocal rows
        saved, problems = movement_record_many(actor=None, items=batch, source="interface", audit_source="interface")
        assert not problems, problems[:3]
        rows += len(saved)

    for _, items in year_of_movements(days, vehicles, FIRST_DAY):
        pending += items
        while len(pending) >= BATCH:
            flush(pending[:BATCH])
            pending = pending[BATCH:]
    if pending:
        flush(pending)
    return vehicles, rows, time.perf_counter() - started


def table_size():
    from django.db.models import Count

    from wastewatch.reports.models import Aggregate

    by_period = {r["period"]: r["n"] for r in Aggregate.objects.values("period").annotate(n=Count("pk")).order_by()}
    measures = sum(len(v) for v in Aggregate.objects.values_list("values", flat=True).iterator(chunk_size=5000))
    return {"rows": sum(by_period.values()), "rows_by_period": by_period, "measure_values": measures}


def run(backend, args):
    common.fresh_database(backend, DB)
    common.django_setup(backend, DB)
    from wastewatch.reports.refresh import aggregates_refresh, refresh_days

    vehicles, movements, ingest_s = build_year(backend, args.days, args.vehicles)
    print(f"{backend}: {movements} movements ({vehicles} vehicles × {args.days} days) in {ingest_s:.0f} s", flush=True)
    started = time.perf_counter()
    passes = []
    while True:
        result = aggregates_refresh()
        passes.append(result)
        if not result["days"]:
            break
    year_s = time.perf_counter() - started
    size = table_size()
    days = [FIRST_DAY + timedelta(days=(i * 37) % args.days) for i in range(args.reps)]
    values = []
    for d in days:
        t = time.perf_counter()
        refresh_days([d])
        values.append((time.perf_counter() - t) * 1000)
    quiet = time.perf_counter()
    aggregates_refresh()  # a pass with nothing new: the scan alone
    quiet_ms = (time.perf_counter() - quiet) * 1000
    result = {"backend": backend, "days": args.days, "vehicles": vehicles, "movements": movements, "ingest_s": round(ingest_s, 1),
              "year_refresh_s": round(year_s, 1), "year_refresh_passes": len(passes) - 1,
              "day_refresh_ms": {"n": len(values), "p50": round(common.percentile(values, 50)), "p95": round(common.percentile(values, 95))},
              "idle_pass_ms": round(quiet_ms), "aggregate": size}
    common.print_table(f"Indicator refresh ({backend}, full demo city, {args.days} days, {vehicles} vehicles, {movements} movements)",
                       ["measurement", "value"],
                       [("refresh of one day, p50 ms", result["day_refresh_ms"]["p50"]), ("refresh of one day, p95 ms", result["day_refresh_ms"]["p95"]),
                        ("first pass over the whole year, s", result["year_refresh_s"]), ("pass with nothing new, ms", result["idle_pass_ms"]),
                        ("Aggregate rows", size["rows"]), ("  of which day / month / year", "{} / {} / {}".format(
                            *(size["rows_by_period"].get(p, 0) for p in ("day", "month", "year")))),
                        ("measure values (rows of a row-per-measure table)", size["measure_values"])])
    common.write_json(f"reports-{backend}", result)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common.backends_arg(parser)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--vehicles", type=int, default=900)
    parser.add_argument("--reps", type=int, default=10)
    args = parser.parse_args()
    backends = common.selected(args)
    if len(backends) > 1:  # Django is set up once per process
        for backend in backends:
            subprocess.run([sys.executable, __file__, "--db", backend, "--days", str(args.days), "--vehicles", str(args.vehicles),
                            "--reps", str(args.reps)], check=True)
        return
    run(backends[0], args)


if __name__ == "__main__":
    main()
