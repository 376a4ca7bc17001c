"""The pages: the shell (CSP, top bar), each role's home, the case page's gate, the notices."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.personas import walk_to

pytestmark = pytest.mark.needs("postgresql")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


def client_of(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("url", ["/", "/report/", "/notices/", "/notices/bell/", "/accounts/login/", "/api/cases/"])
def test_every_page_carries_the_strict_content_security_policy(world, url):
    response = client_of(world.zhang).get(url)
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == CSP


def test_the_login_page_carries_it_too(db):
    assert client_of().get("/accounts/login/")["Content-Security-Policy"] == CSP


INLINE = [
    re.compile(r"\sstyle\s*=", re.I),  # style attributes
    re.compile(r"\son[a-z]+\s*=", re.I),  # event-handler attributes
    re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.I),  # inline scripts
    re.compile(r"<style", re.I),
    re.compile(r"\shx-on", re.I),  # htmx evaluates these as code
]


def test_no_template_has_inline_script_or_style():
    root = Path(settings.BASE_DIR) / "templates"
    found = [
        f"{path.relative_to(root)}: {match.group(0).strip()}"
        for path in root.rglob("*.html")
        for pattern in INLINE
        for match in pattern.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_top_bar_shows_who_the_bell_and_logout(world):
    walk_to(world, "reported")  # the chief gets a notice of the new case
    page = client_of(world.zhang).get("/").content.decode()
    assert "张站长" in page and "站长/常务副站长 · 振兴基层治理联动工作站" in page
    assert re.search(r'id="bell-count"[^>]*>1</span>', page)
    assert 'action="/accounts/logout/"' in page
