#!/usr/bin/env bash
# Start a throw-away PostgreSQL 15 server on loopback for the tests or benchmarks.
# Usage: scripts/pg.sh start|stop [DATADIR] [PORT]; prints the DATABASE_URL on start.
set -euo pipefail
action=${1:-start}
datadir=${2:-/tmp/wastewatch-pg}
port=${3:-54329}
bin=/usr/lib/postgresql/15/bin
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "$action" in
  start)
    if [ ! -s "$datadir/PG_VERSION" ]; then
      mkdir -p "$datadir"
      [ "$(id -u)" = 0 ] && chown postgres:postgres "$datadir"
      as_pg "$bin/initdb" -D "$datadir" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    if ! as_pg "$bin/pg_ctl" -D "$datadir" status >/dev/null 2>&1; then
      as_pg "$bin/pg_ctl" -D "$datadir" -l "$datadir/server.log" -w \
        -o "-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
    fi
    as_pg "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -tc "SELECT 1 FROM pg_roles WHERE rolname='wastewatch'" | grep -q 1 \
      || as_pg "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -c "CREATE ROLE wastewatch LOGIN CREATEDB PASSWORD 'wastewatch'" >/dev/null
    as_pg "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -tc "SELECT 1 FROM pg_database WHERE datname='wastewatch'" | grep -q 1 \
      || as_pg "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -c "CREATE DATABASE wastewatch OWNER wastewatch" >/dev/null
    echo "postgres://wastewatch:wastewatch@127.0.0.1:$port/wastewatch"
    ;;
  stop)
    as_pg "$bin/pg_ctl" -D "$datadir" -m fast stop >/dev/null 2>&1 || true
    ;;
esac
