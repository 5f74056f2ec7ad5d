#!/usr/bin/env bash
# The embedded default: install, migrate a SQLite file under var/, load the demo city, serve.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py demo --size "${DEMO_SIZE:-small}"
echo "打开 http://${HOST:-127.0.0.1}:${PORT:-8000}/ ，用上面的演示账号登录"
exec .venv/bin/python manage.py serve --host "${HOST:-127.0.0.1}" --port "${PORT:-8000}"
