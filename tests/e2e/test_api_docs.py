"""The API's documentation pages work under their own policy (governance/security.py), which
allows their inline start-up script and styles but still nothing from another server."""

import pytest
from playwright.sync_api import expect

from tests.e2e.pages import sign_in
from tests.personas import build_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "4+X 基层治理联动工作站 API"
# The page fetches the schema, generated on request for the signed-in user; on a loaded two-core
# CI machine that takes longer than expect()'s default 5 s.
SCHEMA_LOADED = 30_000


def test_swagger_ui_shows_the_schema(page, live_server):
    build_world()
    sign_in(page, "zhang")
    response = page.goto("/api/docs/")
    assert "'unsafe-inline'" in response.headers["content-security-policy"]
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible(timeout=SCHEMA_LOADED)
    expect(page.get_by_text("/api/cases/{id}/dispatch-plan/")).to_be_visible()
    page.shoot("1-swagger")


def test_redoc_shows_the_schema_and_loads_nothing_from_outside(page, live_server):
    build_world()
    sign_in(page, "zhang")
    # ReDoc asks outside servers for its web fonts and logo; the policy refuses them, as a closed
    # network would, and the page reads fine without.
    page.expect_console_error(
        r"Loading the (stylesheet 'https://fonts\.googleapis\.com/|image 'https://cdn\.redoc\.ly/)"
    )
    page.goto("/api/redoc/")
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible(timeout=SCHEMA_LOADED)
    page.shoot("1-redoc", full_page=False)  # every operation at full height: its top shows it rendered


def test_the_site_pages_keep_the_strict_policy(page, live_server):
    build_world()
    sign_in(page, "zhang")
    response = page.goto("/")
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
