"""The platform as real processes: `serve` answers HTTP and stops its whole tree on Ctrl-C;
production settings refuse to start without their secrets."""
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings

from wastewatch.core.testing import embedded_env, free_port

ROOT = Path(settings.BASE_DIR)


def children_of(pid):
    """{child pid: command line}, read from /proc (procps may not be installed)."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found[stat.parent.name] = (stat.parent / "cmdline").read_text().replace("\0", " ")
        except (OSError, IndexError):
            continue
    return found


def test_serve_answers_and_stops_cleanly_on_ctrl_c(tmp_path):
    env = embedded_env(tmp_path)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    port = free_port()
    proc = subprocess.Popen([sys.executable, "manage.py", "serve", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        status = None
        while time.monotonic() < deadline:
            try:
                status = urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2).status
                break
            except OSError:
                time.sleep(0.3)
        assert status == 200
        children = children_of(proc.pid)
        assert any("run_huey" in cmd for cmd in children.values()), "the task consumer runs beside the web server"
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) is not None
        for pid in children:
            assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text().lower()
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)


def test_production_mode_requires_its_secrets(tmp_path):
    env = {k: v for k, v in embedded_env(tmp_path, DATABASE_URL="postgres://nobody@127.0.0.1:1/none").items()
           if k not in ("SECRET_KEY", "WASTEWATCH_SM4_KEY")}
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
    assert not (tmp_path / "secret_key").exists()
