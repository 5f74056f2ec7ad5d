"""Shared helpers of the benchmarks: where the databases live, fresh copies of the
prepared demo city, Django setup, percentiles, the printed table and the JSON file.

Two backends, each with one prepared "master" database holding the full demo city:
  sqlite    var/bench-sqlite/master.sqlite3 (WASTEWATCH_VAR_DIR=var/bench-sqlite)
  postgres  database bench_master on the server of BENCH_PG_URL (scripts/pg.sh start /tmp/bench-pg 54400)
A benchmark never touches the master: it works on a fresh copy (a file copy, or
CREATE DATABASE ... TEMPLATE bench_master), so every run starts from the same state.
"""
import json
import math
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import time
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
# The application code under test: the working tree, or an exported commit (run_all.sh BENCH_REF=...)
# so that a benchmark is not disturbed by edits in progress. It comes first on sys.path,
# ahead of the editable install of the working tree.
SRC = Path(os.environ.get("BENCH_SRC") or ROOT)
RESULTS_DIR = ROOT / "bench" / "results"
SQLITE_DIR = Path(os.environ.get("BENCH_SQLITE_DIR", ROOT / "var" / "bench-sqlite"))
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://wastewatch:wastewatch@127.0.0.1:54400/wastewatch")
MASTER = "bench_master"
BACKENDS = ("sqlite", "postgres")
# Fixed secrets for the PostgreSQL runs: the demo city's personal data is SM4-encrypted
# with this key when the master is prepared, so every copy must be read with the same one.
PG_SECRETS = {"SECRET_KEY": "bench-secret-not-for-production", "WASTEWATCH_SM4_KEY": "0123456789abcdef0123456789abcdef"}


def _pg_url(dbname):
    parts = urlsplit(PG_URL)
    return urlunsplit(parts._replace(path="/" + dbname))


def _sqlite_path(name):
    return SQLITE_DIR / f"{name}.sqlite3"


def db_env(backend, name):
    """Environment variables that point manage.py / Django at database `name` of `backend`."""
    env = {"WASTEWATCH_VAR_DIR": str(SQLITE_DIR), "LOG_LEVEL": "WARNING"}
    if backend == "sqlite":
        env.update(WASTEWATCH_SQLITE=str(_sqlite_path(name)), DATABASE_URL="")
    elif backend == "postgres":
        env.update(DATABASE_URL=_pg_url(name), **PG_SECRETS)
    else:
        raise ValueError(f"unknown backend {backend!r}")
    return env


def child_env(backend, name):
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.update({k: v for k, v in db_env(backend, name).items() if v != ""})
    return env


def _pg_admin(sql_statements):
    """Run statements on the server's maintenance database (autocommit: CREATE/DROP DATABASE)."""
    import psycopg

    with psycopg.connect(_pg_url("postgres"), autocommit=True) as conn:
        results = []
        for sql in sql_statements:
            cursor = conn.execute(sql)
            results.append(cursor.fetchall() if cursor.description else None)
        return results


def exists(backend, name):
    if backend == "sqlite":
        return _sqlite_path(name).exists()
    return bool(_pg_admin([f"SELECT 1 FROM pg_database WHERE datname = '{name}'"])[0])


def drop(backend, name):
    if backend == "sqlite":
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{_sqlite_path(name)}{suffix}").unlink(missing_ok=True)
    else:
        _pg_admin([f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'])


def copy(backend, source, target):
    """A fresh copy `target` of database `source` (replacing any earlier one)."""
    drop(backend, target)
    if backend == "sqlite":
        # sqlite3's backup API copies a consistent snapshot, WAL content included.
        src = sqlite3.connect(_sqlite_path(source))
        dst = sqlite3.connect(_sqlite_path(target))
        with dst:
            src.backup(dst)
        src.close()
        dst.close()
    else:
        _pg_admin([f'CREATE DATABASE "{target}" TEMPLATE "{source}"'])


def rename(backend, source, target):
    drop(backend, target)
    if backend == "sqlite":
        for suffix in ("-wal", "-shm"):
            Path(f"{_sqlite_path(source)}{suffix}").unlink(missing_ok=True)
        os.replace(_sqlite_path(source), _sqlite_path(target))
    else:
        _pg_admin([f'ALTER DATABASE "{source}" RENAME TO "{target}"'])


def fresh_database(backend, name):
    """A fresh copy of the master, migrated to the current code (a no-op when the master is current)."""
    if not exists(backend, MASTER):
        sys.exit(f"no prepared {backend} master: run  .venv/bin/python bench/prepare.py --db {backend}")
    copy(backend, MASTER, name)
    manage(backend, name, "migrate", "--noinput", "-v0")
    return db_env(backend, name)


def manage(backend, name, *argv, timeout=1800):
    """Run manage.py against database `name`; returns the seconds it took."""
    started = time.perf_counter()
    subprocess.run([PYTHON, "manage.py", *argv], cwd=SRC, env=child_env(backend, name), check=True, timeout=timeout)
    return time.perf_counter() - started


def django_setup(backend, name):
    """Point this process at database `name` and set Django up (once per process)."""
    for key, value in db_env(backend, name).items():
        if value:
            os.environ[key] = value
        else:
            os.environ.pop(key, None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wastewatch.config.settings")
    sys.path.insert(0, str(SRC))
    import django

    django.setup()


def percentile(values, p):
    """Nearest-rank percentile of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(p / 100 * len(ordered))))
    return ordered[rank - 1]


def machine():
    return {
        "cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
    }


def source():
    """Which code was measured: the working tree, or the commit exported by run_all.sh."""
    ref = os.environ.get("BENCH_REF")
    return {"path": str(SRC), "ref": ref} if ref else {"path": str(SRC), "ref": "working tree"}


def _width(text):
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(value, width):
    text = str(value)
    gap = " " * (width - _width(text))
    return gap + text if isinstance(value, (int, float)) else text + gap


def print_table(title, headers, rows):
    """Numbers right-aligned, text left-aligned; Chinese characters count as two columns."""
    widths = [max(_width(str(c)) for c in column) for column in zip(headers, *rows)]
    print(f"\n{title}")
    print("  ".join(_pad(str(h), w) for h, w in zip(headers, widths)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(_pad(c, w) for c, w in zip(row, widths)))


def write_json(name, payload):
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    payload = {"benchmark": name, "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "machine": machine(), "source": source(), **payload}
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2))
    print(f"\nresults written to {path.relative_to(ROOT)}")
    return path


def backends_arg(parser):
    parser.add_argument("--db", choices=[*BACKENDS, "all"], default="all", help="backend to run on (default: both)")


def selected(args):
    return list(BACKENDS) if args.db == "all" else [args.db]
