"""Real-browser tests: Playwright's sync API drives Debian's Chromium against pytest-django's
``live_server`` (one per xdist worker, on a free port, with that worker's test database).

Playwright never downloads a browser here: we launch ``/usr/bin/chromium`` (``apt-get install
chromium``; ``.ci/run`` installs it) with our own flags. Without it every test in this folder is
skipped with that reason, so ``make test`` still passes on a machine without Chromium; under CI
it fails instead (``require`` in tests/environment.py).

Why ``DJANGO_ALLOW_ASYNC_UNSAFE``: the sync API runs an asyncio event loop in the test's own
thread (in a greenlet) from ``sync_playwright().start()`` until ``stop()``. While that loop is
registered as running, Django refuses ORM calls from the thread ("You cannot call this from an
async context"), which would hit the test's own data building and the database flush after each
transactional test. Nothing here is really concurrent, so the browser fixture sets the variable
for as long as Playwright runs and restores it afterwards. Because the browser lives for the whole
session, a worker's later tests also run with that loop registered: a future test calling
``asyncio.run`` or ``async_to_sync`` in the same worker would need its own thread.
"""

import os

import pytest
from playwright.sync_api import sync_playwright

from tests.e2e import DESKTOP
from tests.environment import CHROMIUM, require

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium per worker, shared by every browser test of the session."""
    require("chromium")
    saved = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if saved is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = saved


@pytest.fixture
def page(browser, live_server):
    """A fresh context (no cookies) per test, as a township user's office PC: Chinese, Shanghai
    time, desktop width. Relative URLs go to the live server: ``page.goto("/")``."""
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai", viewport=DESKTOP
    )
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()
