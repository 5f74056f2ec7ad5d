"""Nothing acknowledged is lost: a real server process is killed with SIGKILL in the middle of
a stream of pushes, and every record it had acknowledged is in the database afterwards."""
import json
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings

from wastewatch.core.testing import embedded_env, free_port
from wastewatch.interfaces import catalogue, signing

ROOT = Path(settings.BASE_DIR)
COMMUNITY = "331002001001"


def start_server(env, port):
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "wastewatch.config.asgi:application", "--port", str(port), "--lifespan", "off"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=1)
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise AssertionError("server did not start")


def push(port, app_key, secret, records):
    path = "/api/v1/push/estate"
    body = json.dumps({"records": records}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, method="POST",
                                     headers={"Content-Type": "application/json", **signing.headers_for(app_key, secret, "POST", path, body)})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def record(serial):
    return {**catalogue.get("estate").example, "uid": f"k{serial}", "orgCode": COMMUNITY,
            "unitCode": f"{COMMUNITY}{serial:06d}", "unitName": f"断电测试{serial}"}


def test_sigkill_loses_no_acknowledged_record(tmp_path):
    env = embedded_env(tmp_path)
    for argv in (["migrate", "-v0"], ["demo", "--size", "small"]):
        subprocess.run([sys.executable, "manage.py", *argv], cwd=ROOT, env=env, check=True, capture_output=True)
    app_key, secret = subprocess.run([sys.executable, "manage.py", "api_client", "create", "--region", "331002000000", "--name", "断电测试"],
                                     cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout.split()
    port = free_port()
    server = start_server(env, port)
    acknowledged, stop = [], threading.Event()

    def stream():
        serial = 500000
        while not stop.is_set() and serial < 520000:
            batch = [record(serial + i) for i in range(25)]
            serial += 25
            try:
                answer = push(port, app_key, secret, batch)
            except (OSError, urllib.error.URLError):
                return
            acknowledged.extend(r["unitCode"] for r, res in zip(batch, answer["results"]) if res["status"] == "accepted")

    worker = threading.Thread(target=stream)
    worker.start()
    deadline = time.monotonic() + 20
    while len(acknowledged) < 100 and time.monotonic() < deadline:
        time.sleep(0.05)
    server.send_signal(signal.SIGKILL)
    server.wait()
    stop.set()
    worker.join(timeout=15)
    assert len(acknowledged) >= 100

    db = sqlite3.connect(tmp_path / "wastewatch.sqlite3")
    stored = {row[0] for row in db.execute("SELECT code FROM registry_estate WHERE code LIKE ?", (COMMUNITY + "5%",))}
    archived = {row[0] for row in db.execute("SELECT key FROM interfaces_interfacerecord WHERE interface = 'estate'")}
    db.close()
    assert set(acknowledged) <= stored
    assert set(acknowledged) <= archived

    # The database is sound after the kill: the server starts again and takes the next batch.
    server = start_server(env, port)
    try:
        assert push(port, app_key, secret, [record(530000)])["accepted"] == 1
    finally:
        server.terminate()
        server.wait(timeout=10)
