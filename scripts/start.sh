#!/usr/bin/env bash
# The embedded default: install, migrate a SQLite file under var/, load the demo city, serve.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py demo --size "${DEMO_SIZE:-small}"
echo "打开 http://${HOST:-127.0.0.1}:${PORT:-8000}/ ，用上面的演示账号登录"
# serve also starts the county-system simulator (`simulate --history 7`), which replays the past week in the
# background and then pushes live data: the week takes about 40 s on the small demo, too long to wait for here,
# and the health page fills while it runs. WASTEWATCH_SIMULATE=0 starts the platform without it.
exec .venv/bin/python manage.py serve --host "${HOST:-127.0.0.1}" --port "${PORT:-8000}"
