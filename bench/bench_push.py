"""Signed pushes of the data interfaces over HTTP, next to the raw insert rate of the same records.

    .venv/bin/python bench/bench_push.py [--db sqlite|postgres|all] [--seconds 15] [--min-batches 5] [--sizes 1,100,1000]

For each backend, two fresh copies of the prepared demo city (bench/prepare.py):
  push  one uvicorn process (one worker, as `manage.py serve` runs it, without the task consumer) on the
        first copy, an API client of 椒江区 made by `manage.py api_client create`, and a sequential client
        on loopback with one keep-alive connection. For each interface and batch size, signed
        POST /api/v1/push/<code> batches of new records (new business keys: every record is accepted),
        two untimed warm-up batches, then batches until --seconds have passed and at least
        --min-batches were sent. Latency of a batch: signing (HMAC-SM3 over the body) + request +
        response read; the JSON body is built beforehand. records/s = records / sum of batch latencies.
  raw   the same records, in the same batches, inserted into the second copy with a plain DB-API
        executemany INSERT per target table and one transaction (commit) per batch, on a plain sqlite3
        (WAL, synchronous=NORMAL, as the application's connections) or psycopg connection. The column
        values (encrypted personal fields, the stored JSON) are prepared beforehand with the models'
        own field conversion, so only the INSERTs and commits are timed.
ratio = push records/s / raw records/s, per interface and batch size.

Interfaces:
  estate       lands in the registry through its services (validation, audit row) and in InterfaceRecord;
               raw target tables: registry_estate + interfaces_interfacerecord.
  vehicle-gps  realtime, referencing vehicle: 50 vehicles are pushed first (untimed); lands in
               InterfaceRecord; raw target table: interfaces_interfacerecord.
What the push does beyond the raw insert: signature check and nonce row, the raw archive (PushBatch,
encrypted), validation, reference and business-key look-ups, savepoints, the registry's form validation
and audit rows (estate), the provincial relay's outbox rows, the per-day flow counters, the answer.

Writes bench/results/push-<backend>.json; the server's log goes to bench/results/server-push-<backend>.log.
With --db all every backend runs in its own process (Django is set up once per process).
"""
import argparse
import copy
import json
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta
from decimal import Decimal

import common
from bench_list import Client, free_port, start_server, stop_server

PUSH_DB, RAW_DB = "bench_push", "bench_push_raw"
COUNTY = "331002000000"
INTERFACES = ("estate", "vehicle-gps")
SIZES = (1, 100, 1000)
WARMUP_BATCHES = 2
VEHICLES = 50
ESTATE_SERIAL = 900_000  # new estate codes: community + 9xxxxx, clear of the demo city's
GPS_START = datetime(2025, 4, 25, 0, 0, 0)
MAX_ERRORS = 5


class Records:
    """New records of one interface, each with a business key never used before in the run."""

    def __init__(self, spec, communities, plates):
        self.spec, self.communities, self.plates = spec, communities, plates
        self.next = 0

    def batch(self, size):
        out = [self.make(self.next + i) for i in range(size)]
        self.next += size
        return out

    def make(self, n):
        record = copy.deepcopy(self.spec.example)
        if self.spec.code == "estate":
            code, name = self.communities[n % len(self.communities)]
            serial = ESTATE_SERIAL + n // len(self.communities)
            record.update(uid=f"bench-est-{n}", orgCode=code, unitCode=f"{code}{serial:06d}", unitName=f"压测小区{n}",
                          communityName=name[:50])
            record.pop("tenementName", None)
        else:  # vehicle-gps: one fix per vehicle per second
            plate = self.plates[n % len(self.plates)]
            at = GPS_START + timedelta(seconds=n // len(self.plates))
            record.update(uid=f"bench-gps-{n}", code=plate, gpsNo=f"BENCH{n % len(self.plates):04d}",
                          locateTime=at.strftime("%Y-%m-%d %H:%M:%S"), speed=round(n % 600 / 10, 1), direction=n % 360)
        return record


def body_of(records):
    return json.dumps({"records": records}, ensure_ascii=False).encode("utf-8")


def create_api_client(backend):
    out = subprocess.run(
        [common.PYTHON, "manage.py", "api_client", "create", "--region", COUNTY, "--name", "bench"],
        cwd=common.SRC, env=common.child_env(backend, PUSH_DB), check=True, capture_output=True, text=True,
    ).stdout.split()
    return out[0], out[1]


def push(client, app_key, secret, code, body):
    from wastewatch.interfaces import signing

    path = f"/api/v1/push/{code}"
    started = time.perf_counter()
    headers = {"Content-Type": "application/json", **signing.headers_for(app_key, secret, "POST", path, body)}
    status, data, _ = client.request("POST", path, body, headers)
    return status, data, time.perf_counter() - started


def check_accepted(status, data, size, what):
    if status != 200:
        return f"{what}: HTTP {status} {data[:300]!r}"
    answer = json.loads(data)
    if answer["accepted"] != size:
        reasons = [r["errors"] for r in answer["results"] if r["status"] == "rejected"][:2]
        return f"{what}: {answer['accepted']} of {size} accepted, first rejections {reasons}"
    return None


def timed_batches(size, seconds, min_batches, send):
    """Warm-up, then batches until `seconds` of batch time and at least `min_batches`: the latencies (s)."""
    for _ in range(WARMUP_BATCHES):
        send(size, timed=False)
    latencies = []
    while sum(latencies) < seconds or len(latencies) < min_batches:
        latencies.append(send(size, timed=True))
    return latencies


def summary(size, latencies):
    records = size * len(latencies)
    return {
        "batch_size": size, "batches": len(latencies), "records": records,
        "seconds": round(sum(latencies), 3), "records_per_s": round(records / sum(latencies), 1),
        "p50_ms": round(common.percentile(latencies, 50) * 1000, 2), "p95_ms": round(common.percentile(latencies, 95) * 1000, 2),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 2), "max_ms": round(max(latencies) * 1000, 2),
    }


# --- the raw insert ----------------------------------------------------------------------------------------------

class RawTarget:
    """One table: the model's concrete columns (auto id left to the database) and the rows' prepared values."""

    def __init__(self, model, backend):
        from django.db import connection
        from django.db.models import AutoField

        self.connection = connection
        self.fields = [f for f in model._meta.concrete_fields if not isinstance(f, AutoField)]
        mark = "?" if backend == "sqlite" else "%s"
        columns = ", ".join(f'"{f.column}"' for f in self.fields)
        self.sql = f'INSERT INTO "{model._meta.db_table}" ({columns}) VALUES ({", ".join([mark] * len(self.fields))})'

    def row(self, obj):
        return tuple(f.get_db_prep_save(f.pre_save(obj, True), self.connection) for f in self.fields)


def raw_rows(backend, spec, records, batch_id):
    """Per target table, the rows of these records as the push would store them."""
    from wastewatch.interfaces import push as push_module
    from wastewatch.interfaces.models import InterfaceRecord
    from wastewatch.registry.models import Estate

    try:  # personal fields are stored SM4-encrypted in the record store (since d97f08d)
        from wastewatch.interfaces.personal import seal
    except ImportError:
        def seal(spec, data):
            return data
    stored = []
    for raw in records:
        data = push_module._normalise(spec.record.model_validate(raw).model_dump(mode="json", exclude={"uid", "operation"}, exclude_none=True))
        stored.append((raw, data))
    record_table = RawTarget(InterfaceRecord, backend)
    tables = [(record_table, [record_table.row(InterfaceRecord(
        interface=spec.code, key=push_module.business_key(spec, data), region_code=data["orgCode"], uid=raw["uid"],
        data=seal(spec, data), is_deleted=False, batch_id=batch_id)) for raw, data in stored])]
    if spec.code == "estate":
        estate_table = RawTarget(Estate, backend)
        tables.insert(0, (estate_table, [estate_table.row(Estate(
            code=d["unitCode"], name=d["unitName"], region_id=d["orgCode"], address=d["unitAddr"],
            lon=Decimal(str(d["lon"])), lat=Decimal(str(d["lat"])), contact_name=d.get("officer", ""),
            contact_phone=d.get("officerMobile", ""), is_high_rise=str(d.get("isHigh")) == "1")) for _, d in stored]))
    return tables


def raw_connection(backend):
    if backend == "sqlite":
        conn = sqlite3.connect(common._sqlite_path(RAW_DB), isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn
    import psycopg

    return psycopg.connect(common._pg_url(RAW_DB))


def raw_insert(backend, conn, tables):
    """One transaction: an executemany per table; the seconds it took."""
    started = time.perf_counter()
    if backend == "sqlite":
        conn.execute("BEGIN IMMEDIATE")
        for table, rows in tables:
            conn.executemany(table.sql, rows)
        conn.execute("COMMIT")
    else:
        with conn.cursor() as cursor:
            for table, rows in tables:
                cursor.executemany(table.sql, rows)
        conn.commit()
    return time.perf_counter() - started


def raw_batch_owner():
    """The one archived batch every raw InterfaceRecord row points to (the foreign key needs one)."""
    from wastewatch.interfaces.models import ApiClient, PushBatch

    client = ApiClient.objects.create(name="bench raw", region_id=COUNTY, app_key="wwbenchraw", secret="bench-raw-secret")
    return PushBatch.objects.create(client=client, interface="bench", region_code=COUNTY, body="{}", digest="0" * 64).pk


# --- one backend -------------------------------------------------------------------------------------------------

def drop(backend, name, tries=10):
    """common.drop, retried: right after this benchmark's writes an autovacuum worker may be connected to the copy,
    and DROP DATABASE ... WITH (FORCE) by a non-superuser cannot terminate it (it fails with InsufficientPrivilege)."""
    for attempt in range(tries):
        try:
            return common.drop(backend, name)
        except Exception as exc:  # psycopg.errors.InsufficientPrivilege
            if backend != "postgres" or attempt == tries - 1 or "InsufficientPrivilege" not in type(exc).__name__:
                raise
            time.sleep(3)


def run_backend(backend, sizes, seconds, min_batches):
    measured = code_state()  # before the server starts: what it runs
    common.fresh_database(backend, PUSH_DB)
    common.fresh_database(backend, RAW_DB)
    common.django_setup(backend, RAW_DB)  # the raw copy; it starts as the push copy does
    from wastewatch.interfaces import catalogue
    from wastewatch.registry.models import Organisation, Region

    communities = list(Region.objects.filter(level="community", code__startswith=COUNTY[:6]).order_by("code").values_list("code", "name"))
    hauler = Organisation.objects.filter(kind="hauler", region__code__startswith=COUNTY[:6]).order_by("id").first()
    if not communities or hauler is None:
        sys.exit(f"the demo city has no communities or no hauler in {COUNTY}")
    plates = [f"浙J9{n:04d}" for n in range(VEHICLES)]
    vehicles = []
    for n, plate in enumerate(plates):
        record = copy.deepcopy(catalogue.get("vehicle").example)
        record.update(uid=f"bench-car-{n}", code=plate, gpsNo=f"BENCH{n:04d}", operationUnit=hauler.name, belongUnit=hauler.name)
        vehicles.append(record)
    sent = {code: {size: [] for size in sizes} for code in INTERFACES}  # the records of the timed batches, in batches
    push_runs, errors = [], []

    app_key, secret = create_api_client(backend)
    port = free_port()
    log_path = common.RESULTS_DIR / f"server-push-{backend}.log"
    common.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w") as log:
        proc = start_server(backend, PUSH_DB, port, log)
        try:
            client = Client(port)
            status, data, _ = push(client, app_key, secret, "vehicle", body_of(vehicles))
            problem = check_accepted(status, data, len(vehicles), "vehicles")
            if problem:
                sys.exit(problem)
            for code in INTERFACES:
                records = Records(catalogue.get(code), communities, plates)
                for size in sizes:
                    def send(size, timed, code=code, records=records):
                        batch = records.batch(size)
                        body = body_of(batch)
                        status, data, elapsed = push(client, app_key, secret, code, body)
                        problem = check_accepted(status, data, size, f"{code} x{size}")
                        if problem:
                            errors.append(problem)
                            if len(errors) >= MAX_ERRORS:
                                sys.exit(f"too many errors: {errors}")
                        if timed:
                            sent[code][size].append(batch)
                        return elapsed

                    print(f"{backend}: push {code} batches of {size} ...", flush=True)
                    push_runs.append({"interface": code, **summary(size, timed_batches(size, seconds, min_batches, send))})
        finally:
            stop_server(proc)
    drop(backend, PUSH_DB)

    print(f"{backend}: raw inserts of the same records ...", flush=True)
    batch_id = raw_batch_owner()
    raw_runs = []
    conn = raw_connection(backend)
    try:
        for code in INTERFACES:
            spec = catalogue.get(code)
            for size in sizes:
                prepared = [raw_rows(backend, spec, batch, batch_id) for batch in sent[code][size]]
                latencies = [raw_insert(backend, conn, tables) for tables in prepared]
                raw_runs.append({"interface": code, "tables": [t.sql.split('"')[1] for t, _ in prepared[0]], **summary(size, latencies)})
    finally:
        conn.close()
    from django.db import connection

    connection.close()
    drop(backend, RAW_DB)

    results = []
    for p, r in zip(push_runs, raw_runs):
        results.append({"interface": p["interface"], "batch_size": p["batch_size"], "push": p, "raw": r,
                        "ratio": round(p["records_per_s"] / r["records_per_s"], 4)})
    return {"backend": backend, "code": measured, "seconds_target": seconds, "min_batches": min_batches, "warmup_batches": WARMUP_BATCHES,
            "vehicles": VEHICLES, "errors": errors, "results": results}


def code_state():
    """The commit under the measured code, and the application files that differed from it (edits in progress)."""
    def git(*argv):
        return subprocess.run(["git", *argv], cwd=common.SRC, capture_output=True, text=True).stdout.strip()

    if common.SRC != common.ROOT:
        return {"commit": git("rev-parse", "--short", "HEAD") if (common.SRC / ".git").exists() else None, "modified": []}
    return {"commit": git("rev-parse", "--short", "HEAD"),
            "modified": [line[3:] for line in git("status", "--porcelain", "--", "wastewatch", "manage.py").splitlines()]}


def table_rows(run):
    for r in run["results"]:
        p, raw = r["push"], r["raw"]
        yield (run["backend"], r["interface"], r["batch_size"], p["batches"], p["records"], p["records_per_s"], p["p50_ms"],
               p["p95_ms"], raw["records_per_s"], raw["p95_ms"], f"{r['ratio']:.3f}", f"1/{1 / r['ratio']:.0f}")


HEADERS = ["backend", "interface", "batch", "batches", "records", "push rec/s", "p50 ms", "p95 ms", "raw rec/s", "raw p95 ms",
           "ratio", "= 1/x"]


def print_runs(runs):
    common.print_table("Signed pushes over HTTP (uvicorn, sequential client on loopback) vs raw executemany INSERT of the same records",
                       HEADERS, [row for run in runs for row in table_rows(run)])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common.backends_arg(parser)
    parser.add_argument("--seconds", type=float, default=15, help="timed batch time per interface and batch size (default 15)")
    parser.add_argument("--min-batches", type=int, default=5, help="at least this many timed batches (default 5)")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="batch sizes (default 1,100,1000; at most 1000)")
    args = parser.parse_args()
    sizes = [max(1, min(int(s), 1000)) for s in args.sizes.split(",")]
    backends = common.selected(args)
    if len(backends) > 1:  # one process per backend: Django is set up once per process
        for backend in backends:
            subprocess.run([sys.executable, __file__, "--db", backend, "--seconds", str(args.seconds),
                            "--min-batches", str(args.min_batches), "--sizes", args.sizes], check=True)
        print_runs([json.loads((common.RESULTS_DIR / f"push-{b}.json").read_text()) for b in backends])
        return
    backend = backends[0]
    run = run_backend(backend, sizes, max(0.1, args.seconds), max(1, args.min_batches))
    common.write_json(f"push-{backend}", run)
    if run["errors"]:
        print(f"{backend}: {len(run['errors'])} failed batches, first: {run['errors'][0]}")
    print_runs([run])


if __name__ == "__main__":
    main()
