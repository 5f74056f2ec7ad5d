"""Excel import of new estates: rows/s and peak memory of records_import(dry_run=False).

    .venv/bin/python bench/bench_import.py [--db sqlite|postgres|all] [--rows 10000]

Each measurement runs in its own process on its own fresh copy of the prepared
demo city (bench/prepare.py), so runs are repeatable and leave the master untouched:
  timing  wall time, rows/s, SQL statements per row, ru_maxrss growth (no tracing overhead)
  memory  the same import under tracemalloc, for the peak of Python allocations
Writes bench/results/import-<backend>.json.
"""
import argparse
import gc
import json
import random
import resource as rlimit
import subprocess
import sys
import time
import tracemalloc

import common

MODES = ("timing", "memory")
PREFIX = "BENCH_RESULT "
CITY = "3310"  # city_admin's scope: the whole of Taizhou
PHONE_PREFIXES = ("138", "139", "150", "158", "187", "189")


def estate_rows(n, seed=2026):
    """n valid new estates in existing communities, coded after the highest serial already used."""
    from wastewatch.registry.choices import SortingMode
    from wastewatch.registry.models import Estate, Organisation, Region

    communities = list(Region.objects.filter(level="community", code__startswith=CITY).values_list("code", flat=True))
    companies = list(Organisation.objects.filter(kind="property").values_list("code", flat=True))
    top = max((int(code[-6:]) for code in Estate.objects.values_list("code", flat=True).iterator()), default=0)
    if not communities or top + n > 999_999:
        sys.exit(f"cannot make {n} new estate codes (communities: {len(communities)}, highest serial {top})")
    modes = [label for _, label in SortingMode.choices] + [code for code, _ in SortingMode.choices]
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        community = communities[i % len(communities)]
        households = rng.randrange(50, 3000)
        rows.append([
            f"{community}{top + 1 + i:06d}", f"基准小区{i + 1}", community, f"测试路{i + 1}号",
            round(rng.uniform(120.9, 121.6), 6), round(rng.uniform(28.3, 29.0), 6),
            rng.choice(companies) if companies and i % 4 else "",
            "张三", rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}",
            households, int(households * 2.7), rng.choice(modes), "是" if i % 3 == 0 else "否",
        ])
    return rows


def maxrss_mb():
    return rlimit.getrusage(rlimit.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def worker(backend, mode, n):
    """One measured import, in this process, on a fresh database; prints its result as JSON."""
    name = f"bench_import_{mode}"
    common.fresh_database(backend, name)
    common.django_setup(backend, name)
    from django.db import connection

    from wastewatch.accounts.models import User
    from wastewatch.core import resources, spreadsheets
    from wastewatch.registry.models import Estate

    estates = resources.get("estates")
    actor = User.objects.get(username="city_admin")
    started = time.perf_counter()
    rows = estate_rows(n)
    content = spreadsheets.write_xlsx(estates, rows)
    build_s = time.perf_counter() - started
    del rows
    before_count = Estate.objects.count()
    queries = [0]

    def count(execute, sql, params, many, context):
        queries[0] += 1
        return execute(sql, params, many, context)

    gc.collect()
    rss_before = maxrss_mb()
    if mode == "memory":
        tracemalloc.start()
    with connection.execute_wrapper(count):
        started = time.perf_counter()
        result = spreadsheets.records_import(actor=actor, resource=estates, content=content, filename="bench.xlsx", dry_run=False)
        seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if mode == "memory" else None
    tracemalloc.stop()
    rss_after = maxrss_mb()
    created = Estate.objects.count() - before_count
    if result.errors or not result.committed or created != n:
        sys.exit(f"import failed: committed={result.committed} created={created} errors={result.errors[:5]}")
    print(PREFIX + json.dumps({
        "backend": backend, "mode": mode, "rows": n, "xlsx_bytes": len(content), "build_xlsx_s": round(build_s, 2),
        "seconds": round(seconds, 2), "rows_per_s": round(n / seconds, 1), "queries": queries[0],
        "queries_per_row": round(queries[0] / n, 2), "maxrss_delta_mb": round(rss_after - rss_before, 1),
        "maxrss_mb": round(rss_after, 1), "tracemalloc_peak_mb": round(peak / 2**20, 1) if peak is not None else None,
    }), flush=True)


def measure(backend, mode, n):
    proc = subprocess.run(
        [common.PYTHON, __file__, "--worker", mode, "--db", backend, "--rows", str(n)],
        cwd=common.ROOT, capture_output=True, text=True, timeout=1800,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith(PREFIX)]
    if proc.returncode or not lines:
        sys.exit(f"{backend}/{mode} failed (rc {proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
    common.drop(backend, f"bench_import_{mode}")
    return json.loads(lines[-1][len(PREFIX):])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common.backends_arg(parser)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--modes", default=",".join(MODES), help="comma-separated: timing,memory")
    parser.add_argument("--worker", choices=MODES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args.db, args.worker, args.rows)
    modes = [m for m in args.modes.split(",") if m in MODES]
    table = []
    for backend in common.selected(args):
        runs = {}
        for mode in modes:
            print(f"{backend}: import {args.rows} estates ({mode}) ...", flush=True)
            runs[mode] = measure(backend, mode, args.rows)
        timing, memory = runs.get("timing", {}), runs.get("memory", {})
        table.append((backend, args.rows, timing.get("seconds", "-"), timing.get("rows_per_s", "-"),
                      timing.get("queries_per_row", "-"), timing.get("maxrss_delta_mb", "-"),
                      memory.get("tracemalloc_peak_mb", "-"), memory.get("seconds", "-")))
        common.write_json(f"import-{backend}", {"rows": args.rows, "runs": list(runs.values())})
    common.print_table(
        f"records_import of {args.rows} new estates (.xlsx, dry_run=False, as city_admin)",
        ["backend", "rows", "seconds", "rows/s", "SQL/row", "ru_maxrss +MB", "tracemalloc peak MB", "s (traced)"], table,
    )


if __name__ == "__main__":
    main()
