"""Helpers for the tests that drive real processes: Debian's chromium through Playwright (screenshots under
var/screenshots/), and platform processes started on their own embedded database and free port."""
import os
import shutil
import socket
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

from wastewatch.simulator.democity import DEMO_PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def embedded_env(var_dir, **extra) -> dict:
    """The environment of a platform process a test starts: the embedded SQLite in `var_dir`. It is not a test
    worker, so it must not take a parallel worker's sub-folder of its var dir (config/settings.py)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "WASTEWATCH_SQLITE", "PYTEST_XDIST_WORKER")}
    return {**env, "WASTEWATCH_VAR_DIR": str(var_dir), **extra}


@contextmanager
def chromium_page():
    if not os.path.exists(CHROMIUM):
        raise AssertionError("Debian's chromium is required: scripts/test.sh installs it")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls here are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"],
        )
        try:
            yield browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        finally:
            browser.close()


def log_in(page, base, username):
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")
