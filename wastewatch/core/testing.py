"""Helpers for the browser tests: Debian's chromium driven by Playwright, screenshots under var/screenshots/."""
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

from wastewatch.simulator.democity import DEMO_PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


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
