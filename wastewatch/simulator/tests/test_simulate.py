"""`manage.py simulate` against a real server on loopback (a uvicorn process on a temporary SQLite file, like a
county system would meet it): every interface lands, bad records are refused in Chinese beside valid ones that
land, a replayed week makes the health matrix show every status, and SIGINT ends the loop cleanly."""
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from pydantic import ValidationError

from wastewatch.core.resources import get as get_resource
from wastewatch.core.testing import embedded_env, free_port
from wastewatch.interfaces import catalogue, health
from wastewatch.interfaces.mappers import MAPPERS
from wastewatch.simulator.feed import faults
from wastewatch.simulator.feed.county import compose
from wastewatch.simulator.feed.scenario import SCENARIO

ROOT = Path(settings.BASE_DIR)
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class City:
    env: dict
    url: str
    db: Path

    def manage(self, *argv, timeout=120) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "manage.py", *argv], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout)

    def simulate(self, *argv) -> str:
        result = self.manage("simulate", "--url", self.url, *argv)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def rows(self, sql, *params) -> list:
        with sqlite3.connect(self.db) as db:
            return db.execute(sql, params).fetchall()


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    """The small demo city in its own database, served by uvicorn on a free port."""
    var = tmp_path_factory.mktemp("simulate")
    env = embedded_env(var, PYTHONUNBUFFERED="1")
    load = "from django.core.management import call_command as c; c('migrate', verbosity=0); c('demo', size='small')"
    subprocess.run([sys.executable, "manage.py", "shell", "-c", load], cwd=ROOT, env=env, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "wastewatch.config.asgi:application", "--port", str(port),
                               "--lifespan", "off", "--no-access-log"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    yield City(env, f"http://127.0.0.1:{port}", var / "wastewatch.sqlite3")
    server.terminate()
    server.wait(timeout=10)


def registry_keys(city, spec, keys) -> set:
    """Those of the keys that are active rows of the registry type the interface's mapper writes."""
    resource = get_resource(MAPPERS[spec.code].resource)
    model = resource.model
    column = model._meta.get_field(resource.natural_key).column
    found = set()
    for key in keys:
        found |= {r[0] for r in city.rows(f"SELECT {column} FROM {model._meta.db_table} WHERE {column} = ? AND is_active", key)}
    return found


def test_once_pushes_every_interface_and_each_lands_where_it_belongs(city):
    out = city.simulate("--once", "--county", "331002", "--bad-rate", "0")
    assert "合计" in out and "拒收 0" in out.splitlines()[-1], out
    for spec in catalogue.all_specs():
        batches = city.rows("SELECT sum(record_count), sum(rejected) FROM interfaces_pushbatch WHERE interface = ? AND region_code = ?",
                            spec.code, "331002000000")[0]
        assert batches[0], f"{spec.code} was not pushed"
        assert batches[1] == 0, f"{spec.code}: valid records were refused"
        keys = {r[0] for r in city.rows("SELECT key FROM interfaces_interfacerecord WHERE interface = ? AND region_code LIKE '331002%' "
                                        "AND NOT is_deleted", spec.code)}
        assert keys, f"{spec.code} has no stored record"
        # Registry interfaces land in the registry; the others stay in InterfaceRecord until their apps take them over.
        if spec.code in MAPPERS:
            assert registry_keys(city, spec, keys) == keys, f"{spec.code} did not land in the registry"


def test_bad_records_are_refused_in_chinese_and_the_valid_ones_beside_them_land(city):
    city.simulate("--once", "--county", "331004", "--bad-rate", "0.3", "--no-scenario")
    batches = city.rows("SELECT interface, accepted + updated + unchanged, rejected, results FROM interfaces_pushbatch "
                        "WHERE region_code = '331004000000'")
    refused = [(code, ok, bad, json.loads(results)) for code, ok, bad, results in batches if bad]
    assert len(refused) >= 3 and sum(bad for _, _, bad, _ in refused) >= 5
    referenced = faults.referenced_codes(catalogue.all_specs())
    assert not any(code in referenced for code, *_ in refused), "master data is never spoiled"
    for code, ok, bad, results in refused:
        reasons = [e["reason"] for r in results if r["status"] == "rejected" for e in r["errors"]]
        assert reasons and all(CHINESE.search(reason) for reason in reasons), (code, reasons)
    assert sum(ok for _, ok, *_ in refused) > sum(bad for *_, bad, _ in refused), "the valid records of the same batches land"


FLOWS = """
import json
from wastewatch.interfaces import health
flows = health.flows(counties=%r)
print(json.dumps({f"{c} {code}": [f.status, f.rejection_rate] for (c, code), f in flows.items()}))
"""


def matrix(city, counties) -> dict:
    result = city.manage("shell", "-c", FLOWS % (counties,))
    assert result.returncode == 0, result.stderr
    flows = json.loads(result.stdout.strip().splitlines()[-1])
    return {tuple(k.split()): v for k, v in flows.items()}


def test_history_makes_the_health_matrix_show_every_status(city):
    counties = ["331022", "331023", "331083", "331099"]  # interrupted, rejecting, partly onboarded, onboarding
    city.simulate("--history", "4", "--once", "--bad-rate", "0", "--county", ",".join(counties))
    days = city.rows("SELECT region_code, count(DISTINCT day) FROM interfaces_flowday WHERE region_code IN (?, ?, ?, ?) GROUP BY region_code",
                     *(c + "000000" for c in counties))
    assert dict(days) == {"331022000000": 2, "331023000000": 5, "331083000000": 5, "331099000000": 3}

    flows = matrix(city, counties)
    statuses = {county: {code: status for (c, code), (status, _) in flows.items() if c == county} for county in counties}
    assert set(statuses["331022"].values()) == {health.INTERRUPTED}
    assert set(statuses["331099"].values()) == {health.ONBOARDING}
    never = set(SCENARIO["331083"].never)
    assert {code for code, s in statuses["331083"].items() if s == health.NOT_ONBOARDED} == never
    assert {s for code, s in statuses["331083"].items() if code not in never} == {health.LIVE}
    rejecting = set(SCENARIO["331023"].bad_rate)
    for code in rejecting:
        status, rate = flows[("331023", code)]
        assert status == health.ONBOARDING and rate > health.MAX_REJECTION, (code, status, rate)
    assert {s for code, s in statuses["331023"].items() if code not in rejecting} == {health.LIVE}


def start_reading(argv, env) -> tuple[subprocess.Popen, list]:
    """A process whose output lines are collected as they come."""
    proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    lines = []
    threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True).start()
    return proc, lines


def wait_for(proc, lines, text, seconds=60):
    deadline = time.monotonic() + seconds
    while not any(text in line for line in lines) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.1)
    assert any(text in line for line in lines), "".join(lines)


def stop_cleanly(proc, lines):
    """SIGINT, then: exit status 0, the simulator's goodbye, no traceback."""
    try:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 0
        time.sleep(0.2)
        assert "模拟器已停止\n" in lines and "Traceback" not in "".join(lines), "".join(lines)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)


def test_sigint_ends_the_live_loop_cleanly(city):
    proc, lines = start_reading([sys.executable, "manage.py", "simulate", "--url", city.url, "--county", "331002",
                                 "--interval", "30", "--bad-rate", "0"], city.env)
    wait_for(proc, lines, "第 1 轮")  # now waiting for the next round
    stop_cleanly(proc, lines)


def child_commands(pid) -> list[str]:
    """Command lines of a process's children, read from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append((stat.parent / "cmdline").read_text().replace("\0", " "))
        except (OSError, IndexError):
            continue
    return found


def test_serve_runs_the_simulator_against_its_own_port_and_stops_it_on_ctrl_c(city):
    port = free_port()
    proc, lines = start_reading([sys.executable, "manage.py", "serve", "--port", str(port)], city.env)
    wait_for(proc, lines, "椒江区：")  # the county systems are being set up; the week's history comes next
    assert any(f"simulate --history 7 --url http://127.0.0.1:{port}" in cmd for cmd in child_commands(proc.pid))
    stop_cleanly(proc, lines)


# --- the knobs and the order, without a server ------------------------------------------------------------------

@pytest.mark.parametrize("defect", faults.DEFECTS, ids=lambda d: d.__name__)
def test_every_defect_makes_a_valid_record_invalid(defect):
    import random

    applied = 0
    for spec in catalogue.all_specs():
        record = compose(spec, {})
        if defect(spec, record, random.Random(1)):
            applied += 1
            with pytest.raises(ValidationError):
                spec.record.model_validate(record)
    assert applied


def test_late_data_moves_every_event_time_hours_back():
    import random
    from datetime import datetime

    record = compose(catalogue.get("vehicle-gps"), {})
    faults.delay(record, random.Random(3))
    moved = datetime.fromisoformat(catalogue.get("vehicle-gps").example["locateTime"]) - datetime.fromisoformat(record["locateTime"])
    assert 2 * 3600 <= moved.total_seconds() <= 12 * 3600


def test_interfaces_are_pushed_after_those_they_reference():
    order = [s.code for s in catalogue.push_order(catalogue.all_specs())]
    assert len(order) == 35
    for spec in catalogue.all_specs():
        for ref in spec.references:
            assert order.index(ref.spec_code) < order.index(spec.code), (spec.code, ref.spec_code)
    assert order.index("estate") < order.index("building") < order.index("dwelling") < order.index("resident")
