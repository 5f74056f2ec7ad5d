#!/usr/bin/env bash
# Prepare both databases (migrate + demo --size full, once; kept and reused) and run
# every benchmark on SQLite and PostgreSQL. Usage: bench/run_all.sh [--force]
#   --force           rebuild the prepared demo-city databases first
#   BENCH_DB=sqlite   run on one backend only (sqlite|postgres|all, default all)
#   BENCH_N=200       timed requests per endpoint in bench_list
#   BENCH_ROWS=10000  rows imported by bench_import
set -euo pipefail
cd "$(dirname "$0")/.."
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
echo "all benchmarks done in $((SECONDS - start)) s; results in bench/results/"
