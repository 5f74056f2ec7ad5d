#!/usr/bin/env bash
# Prepare both databases (migrate + demo --size full, once; kept and reused) and run
# every benchmark on SQLite and PostgreSQL. Usage: bench/run_all.sh [--force]
#   --force           rebuild the prepared demo-city databases first
#   BENCH_DB=sqlite   run on one backend only (sqlite|postgres|all, default all)
#   BENCH_N=200       timed requests per endpoint in bench_list
#   BENCH_ROWS=10000  rows imported by bench_import
#   BENCH_PUSH_SECONDS=15  timed push time per interface and batch size in bench_push
#   BENCH_VEHICLES=2000 BENCH_TRACKING_SECONDS=60  fleet size and seconds per load level in bench_tracking
#   BENCH_LEDGER_DAYS=365 BENCH_LEDGER_VEHICLES=900  the ledger's year in bench_ledger (fewer vehicles: a lighter year)
#   BENCH_REPORT_VEHICLES=900 rounds a day in the year of bench_reports (fewer: a reduced year)
#   BENCH_REF=HEAD    measure that commit (exported read-only with git archive to var/bench-src/)
#                     instead of the working tree, e.g. while others are editing it
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${BENCH_REF:-}" ]; then
  sha=$(git rev-parse --short "$BENCH_REF")
  export BENCH_SRC=$PWD/var/bench-src/$sha
  if [ ! -f "$BENCH_SRC/manage.py" ]; then
    rm -rf "$BENCH_SRC" && mkdir -p "$BENCH_SRC"
    git archive "$sha" manage.py wastewatch | tar -x -C "$BENCH_SRC"
    ln -s "$PWD/node_modules" "$BENCH_SRC/node_modules"
  fi
  export BENCH_REF="$BENCH_REF ($sha)"
  echo "measuring commit $sha from $BENCH_SRC"
fi
db=${BENCH_DB:-all}
pgdir=${BENCH_PG_DIR:-/tmp/bench-pg}
pgport=${BENCH_PG_PORT:-54400}
force=()
[ "${1:-}" = "--force" ] && force=(--force)

if [ "$db" != sqlite ]; then
  BENCH_PG_URL=$(bash scripts/pg.sh start "$pgdir" "$pgport")
  export BENCH_PG_URL
  trap 'bash scripts/pg.sh stop "$pgdir"' EXIT
fi
start=$SECONDS
.venv/bin/python bench/prepare.py --db "$db" "${force[@]}"
.venv/bin/python bench/bench_import.py --db "$db" --rows "${BENCH_ROWS:-10000}"
.venv/bin/python bench/bench_list.py --db "$db" -n "${BENCH_N:-200}"
# Diagnostic: the same requests through a WSGI server that keeps one DB connection (see README).
.venv/bin/python bench/bench_list.py --db "$db" -n "${BENCH_N:-200}" --server wsgiref
.venv/bin/python bench/bench_push.py --db "$db" --seconds "${BENCH_PUSH_SECONDS:-15}"
.venv/bin/python bench/bench_events.py --db "$db" --events "${BENCH_EVENTS:-200}" --year-alerts "${BENCH_YEAR_ALERTS:-50000}"
.venv/bin/python bench/bench_ledger.py --db "$db" --days "${BENCH_LEDGER_DAYS:-365}" --vehicles "${BENCH_LEDGER_VEHICLES:-900}"
# A year of the full demo city (BENCH_REPORT_VEHICLES rounds a day; 900 = the whole residual fleet), refreshed;
# then the cockpit endpoints over the aggregates it leaves.
.venv/bin/python bench/bench_reports.py --db "$db" --days "${BENCH_REPORT_DAYS:-365}" --vehicles "${BENCH_REPORT_VEHICLES:-900}"
.venv/bin/python bench/bench_cockpit.py --db "$db" -n "${BENCH_COCKPIT_N:-50}"
# Needs the bench extra (movingpandas) for its stop-detection comparison: pip install -e '.[bench]'
.venv/bin/python bench/bench_tracking.py --db "$db" --vehicles "${BENCH_VEHICLES:-2000}" --seconds "${BENCH_TRACKING_SECONDS:-60}"
echo "all benchmarks done in $((SECONDS - start)) s; results in bench/results/"
