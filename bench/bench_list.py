"""Latency of the registry list pages and the list API, against the real ASGI server.

    .venv/bin/python bench/bench_list.py [--db sqlite|postgres|all] [-n 200] [--warmup 10]

For each backend: a fresh copy of the prepared demo city (bench/prepare.py), one
uvicorn process (one worker, as `manage.py serve` runs it, without the task consumer),
and a sequential client on loopback with one keep-alive connection, logged in as
city_admin (a page session, and an API token for the API). The endpoints are requested
in turn, N times each after a warm-up; p50/p95/p99 cover the full response (body read).
--server wsgiref (diagnostic) serves the WSGI application from the stdlib's single-threaded
server instead, where Django keeps its database connection between requests.
Writes bench/results/list-<backend>[-wsgiref].json; the server's log goes to
bench/results/server-<backend>-<server>.log.
"""
import argparse
import http.client
import json
import socket
import statistics
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import common

USERNAME, PASSWORD = "city_admin", "Demo@2026tz"
ENDPOINTS = [  # (name, path, authentication)
    ("estates page 1", "/registry/estates/", "session"),
    ("estates page 100", "/registry/estates/?page=100", "session"),
    ("estates county=331002", "/registry/estates/?county=331002", "session"),
    ("estates search q=花园", "/registry/estates/?" + urlencode({"q": "花园"}), "session"),
    ("estates API page 1 (50)", "/api/v1/registry/estates/?page=1&page_size=50", "token"),
    ("sites page 1", "/registry/sites/", "session"),
]
MAX_ERRORS = 20


class Client:
    """Sequential HTTP/1.1 on one keep-alive connection, with a cookie jar."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):  # one reconnect if the server closed the idle connection
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                started = time.perf_counter()
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                elapsed = time.perf_counter() - started
                break
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            for key, morsel in SimpleCookie(header).items():
                self.cookies[key] = morsel.value
        return response.status, data, elapsed

    def login_page(self):
        self.request("GET", "/accounts/login/")
        csrf = self.cookies.get("csrftoken")
        form = urlencode({"csrfmiddlewaretoken": csrf, "username": USERNAME, "password": PASSWORD})
        status, body, _ = self.request("POST", "/accounts/login/", form, {"Content-Type": "application/x-www-form-urlencoded"})
        if status != 302 or "sessionid" not in self.cookies:
            sys.exit(f"page login failed: HTTP {status} {body[:300]!r}")

    def api_token(self):
        payload = json.dumps({"username": USERNAME, "password": PASSWORD, "name": "bench"})
        status, body, _ = self.request("POST", "/api/v1/accounts/token", payload, {"Content-Type": "application/json"})
        if status != 201:
            sys.exit(f"API login failed: HTTP {status} {body[:300]!r}")
        return json.loads(body)["token"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


SERVERS = {
    # What `manage.py serve` runs: uvicorn, one worker, the ASGI application.
    "uvicorn": ["-m", "uvicorn", "wastewatch.config.asgi:application", "--host", "127.0.0.1", "--port", "{port}",
                "--workers", "1", "--lifespan", "off", "--log-level", "warning", "--no-access-log"],
    # Diagnostic only: the WSGI application in the stdlib's single-threaded server, where Django
    # keeps one database connection across requests (CONN_MAX_AGE) instead of one per request.
    "wsgiref": ["-c", "from wsgiref.simple_server import make_server, WSGIRequestHandler as H; "
                      "H.log_message = lambda *a: None; from wastewatch.config.wsgi import application; "
                      "make_server('127.0.0.1', {port}, application).serve_forever()"],
}


def start_server(backend, name, port, log, server="uvicorn"):
    proc = subprocess.Popen(
        [common.PYTHON, *(arg.replace("{port}", str(port)) for arg in SERVERS[server])],
        cwd=common.SRC, env=common.child_env(backend, name), stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"server exited with {proc.returncode}; see {log.name}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc
        except OSError:
            time.sleep(0.2)
    stop_server(proc)
    sys.exit(f"server did not listen on port {port} within 60 s; see {log.name}")


def stop_server(proc):
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=15)


def run_backend(backend, n, warmup, server):
    name = "bench_list"
    common.fresh_database(backend, name)
    port = free_port()
    log_path = common.RESULTS_DIR / f"server-{backend}-{server}.log"
    common.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w") as log:
        proc = start_server(backend, name, port, log, server)
        try:
            client = Client(port)
            client.login_page()
            auth = {"session": {}, "token": {"Authorization": f"Bearer {client.api_token()}"}}
            samples = {ep: [] for ep, _, _ in ENDPOINTS}
            sizes, errors = {}, []
            for i in range(warmup + n):  # round robin, so that drift affects every endpoint alike
                for ep, path, kind in ENDPOINTS:
                    status, body, elapsed = client.request("GET", path, headers=auth[kind])
                    if status != 200:
                        errors.append(f"{ep}: HTTP {status}")
                        if len(errors) > MAX_ERRORS:
                            sys.exit(f"too many errors: {errors[:5]}")
                        continue
                    sizes[ep] = len(body)
                    if i >= warmup:
                        samples[ep].append(elapsed * 1000)
        finally:
            stop_server(proc)
    common.drop(backend, name)
    results = []
    for ep, path, kind in ENDPOINTS:
        ms = samples[ep]
        results.append({
            "endpoint": ep, "path": path, "auth": kind, "n": len(ms), "bytes": sizes.get(ep),
            **{k: round(v, 2) for k, v in {
                "p50_ms": common.percentile(ms, 50), "p95_ms": common.percentile(ms, 95), "p99_ms": common.percentile(ms, 99),
                "mean_ms": statistics.fmean(ms), "min_ms": min(ms), "max_ms": max(ms),
            }.items()},
        } if ms else {"endpoint": ep, "path": path, "auth": kind, "n": 0})
    return {"backend": backend, "server": server, "n": n, "warmup": warmup, "errors": errors, "endpoints": results}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common.backends_arg(parser)
    parser.add_argument("-n", type=int, default=200, help="timed requests per endpoint (default 200)")
    parser.add_argument("--warmup", type=int, default=10, help="untimed requests per endpoint first (default 10)")
    parser.add_argument("--server", choices=list(SERVERS), default="uvicorn",
                        help="uvicorn (as deployed, default) or wsgiref (diagnostic: one persistent DB connection)")
    args = parser.parse_args()
    table = []
    suffix = "" if args.server == "uvicorn" else f"-{args.server}"
    for backend in common.selected(args):
        print(f"{backend}: {args.n} requests per endpoint ({args.server}) ...", flush=True)
        run = run_backend(backend, max(1, min(args.n, 100_000)), max(0, min(args.warmup, 1000)), args.server)
        common.write_json(f"list-{backend}{suffix}", run)
        for r in run["endpoints"]:
            table.append((backend, r["endpoint"], r["n"], r.get("p50_ms", "-"), r.get("p95_ms", "-"), r.get("p99_ms", "-"),
                          r.get("mean_ms", "-"), r.get("bytes", "-")))
        if run["errors"]:
            print(f"{backend}: {len(run['errors'])} failed requests, first: {run['errors'][0]}")
    common.print_table(f"List latency ({args.server}), sequential client on loopback, logged in as city_admin (ms)",
                       ["backend", "endpoint", "n", "p50", "p95", "p99", "mean", "bytes"], table)


if __name__ == "__main__":
    main()
