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
import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import sync_playwright

from tests.e2e import DESKTOP, PHONE
from tests.e2e.pages import sign_in
from tests.environment import CHROMIUM, require

# Screenshots of every journey step, named <test>--<step>.png; not in git (README: screenshots/).
SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots"

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


class ConsoleErrors:
    """Every console error, uncaught exception and CSP violation of a page; the test fails on any
    but those the journey expects and names: Chromium logs every 4xx answer to a fetch as an
    error, also the 400/409 an htmx form post is refused with and shows in place."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.expected: list[re.Pattern] = []

    def watch(self, page) -> None:
        page.on("console", lambda message: message.type == "error" and self._record(message.text))
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def expect(self, pattern: str) -> None:
        """Allow console errors matching ``pattern`` from now on (``page.expect_console_error``)."""
        self.expected.append(re.compile(pattern))

    def _record(self, text: str) -> None:
        if not any(pattern.search(text) for pattern in self.expected):
            self.errors.append(text)


DEVICES = {
    "desktop": {"viewport": DESKTOP},
    "phone": {"viewport": PHONE, "is_mobile": True, "has_touch": True, "device_scale_factor": 2},
}


def _open(browser, live_server, request, **options):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai", **options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    console = ConsoleErrors()
    console.watch(page)
    page.shoot = Screenshots(page, request.node.name)
    page.expect_console_error = console.expect
    return context, page, console


# A screenshot records a step, it checks nothing: it gets the time a loaded machine needs to paint
# a long page (two suites on two cores), not the 10 s an action is given.
SCREENSHOT_TIMEOUT = 120_000


class Screenshots:
    """``page.shoot("step")`` saves screenshots/<test>--<step>.png, the whole page (or the window,
    ``full_page=False``)."""

    def __init__(self, page, test_name: str) -> None:
        self.page = page
        self.prefix = re.sub(r"[^\w-]+", "-", test_name).strip("-")

    def __call__(self, step: str, *, full_page: bool = True) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{self.prefix}--{step}.png"
        self.page.screenshot(path=path, full_page=full_page, timeout=SCREENSHOT_TIMEOUT)
        return path


def _yield_checked(context, page, console):
    try:
        yield page
    finally:
        context.close()
    assert console.errors == [], f"the browser reported errors: {console.errors}"


@pytest.fixture
def page(browser, live_server, request):
    """A fresh context (no cookies) per test, as a township user's office PC: Chinese, Shanghai
    time, desktop width. Relative URLs go to the live server: ``page.goto("/")``. A console
    error or a CSP violation on any page fails the test."""
    yield from _yield_checked(*_open(browser, live_server, request, **DEVICES["desktop"]))


@pytest.fixture
def phone(browser, live_server, request):
    """The same, as a grid worker's phone: 360×740, touch."""
    yield from _yield_checked(*_open(browser, live_server, request, **DEVICES["phone"]))


class People:
    """Several people at once, each in a browser context of their own (own cookies, own
    session), as the chief at the office PC and the grid worker on the phone are:
    ``people.open("wang", "phone")`` opens one, signed in through the login form, and returns
    its page. Every context is closed after the test, and a console error on any of them fails
    it, as for ``page``."""

    def __init__(self, browser, live_server, request) -> None:
        self.browser, self.live_server, self.request = browser, live_server, request
        self.opened: dict[str, tuple] = {}

    def open(self, username: str, device: str = "desktop"):
        if username in self.opened:
            raise ValueError(f"{username} already has a browser open in this test")
        context, page, console = _open(self.browser, self.live_server, self.request, **DEVICES[device])
        self.opened[username] = (context, page, console)
        sign_in(page, username)
        return page

    def close_all(self) -> list[str]:
        errors = []
        for username, (context, _page, console) in self.opened.items():
            context.close()
            errors += [f"{username}: {error}" for error in console.errors]
        return errors


@pytest.fixture
def people(browser, live_server, request):
    """Several signed-in people in their own contexts at once (``People``)."""
    crowd = People(browser, live_server, request)
    try:
        yield crowd
    finally:
        errors = crowd.close_all()
    assert errors == [], f"the browsers reported errors: {errors}"
