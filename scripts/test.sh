#!/usr/bin/env bash
# Install what the tests need (Debian's postgresql and chromium included), then run the
# whole suite on SQLite and again on a real PostgreSQL 15 server on loopback, one test worker per core.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
[ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql-15)
command -v chromium >/dev/null || need+=(chromium)
fc-list 2>/dev/null | grep -qi "noto sans cjk" || need+=(fonts-noto-cjk)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
bash scripts/install.sh test
export WASTEWATCH_VAR_DIR="${WASTEWATCH_VAR_DIR:-$PWD/var/test}"
mkdir -p "$WASTEWATCH_VAR_DIR"

echo "== tests on SQLite =="
env -u DATABASE_URL .venv/bin/python -m pytest -n auto "$@"

echo "== tests on PostgreSQL 15 =="
pgdir=$(mktemp -d /tmp/wastewatch-pg.XXXXXX)
url=$(bash scripts/pg.sh start "$pgdir" 54329)
trap 'bash scripts/pg.sh stop "$pgdir"; rm -rf "$pgdir"' EXIT
DATABASE_URL="$url" SECRET_KEY=test-secret WASTEWATCH_SM4_KEY=00112233445566778899aabbccddeeff \
  .venv/bin/python -m pytest -n auto "$@"
