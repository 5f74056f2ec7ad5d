"""Prepare the master database of each backend: migrate, then load the full demo city.

    .venv/bin/python bench/prepare.py [--db sqlite|postgres|all] [--force]

The master is built under a scratch name and renamed when complete, so an existing
master is always whole; it is kept (and reused) unless --force is given.
Writes bench/results/prepare-<backend>.json with the time of each step.
"""
import argparse
import time

import common

SCRATCH = "bench_master_building"


def prepare(backend, force):
    if common.exists(backend, common.MASTER) and not force:
        print(f"{backend}: master already prepared (use --force to rebuild)")
        return None
    common.drop(backend, SCRATCH)
    if backend == "postgres":
        common._pg_admin([f'CREATE DATABASE "{SCRATCH}"'])
    print(f"{backend}: migrate ...", flush=True)
    migrate_s = common.manage(backend, SCRATCH, "migrate", "--noinput", "-v0")
    print(f"{backend}: demo --size full ...", flush=True)
    demo_s = common.manage(backend, SCRATCH, "demo", "--size", "full", "-v0")
    common.rename(backend, SCRATCH, common.MASTER)
    return {"backend": backend, "migrate_s": round(migrate_s, 1), "demo_full_s": round(demo_s, 1)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common.backends_arg(parser)
    parser.add_argument("--force", action="store_true", help="rebuild the master even if it exists")
    args = parser.parse_args()
    started = time.perf_counter()
    runs = [r for r in (prepare(b, args.force) for b in common.selected(args)) if r]
    if not runs:
        return
    common.print_table("Preparing the full demo city", ["backend", "migrate s", "demo --size full s"],
                       [(r["backend"], r["migrate_s"], r["demo_full_s"]) for r in runs])
    for r in runs:
        common.write_json(f"prepare-{r['backend']}", r)
    print(f"total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
