"""The first whole journey in a real browser: sign in, see one's posts, switch language, sign out."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e import DESKTOP, PHONE
from tests.personas import build_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _screenshot(page, path, viewport):
    """A full-page PNG at ``viewport`` width, clearly larger than an empty page of that size."""
    page.set_viewport_size(viewport)
    page.screenshot(path=path, full_page=True)
    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    assert int.from_bytes(data[16:20], "big") == viewport["width"]  # IHDR width

    empty = page.context.new_page()
    empty.set_viewport_size(viewport)
    blank = len(empty.screenshot(full_page=True))
    empty.close()
    assert len(data) > 1.3 * blank, f"{path.name}: {len(data)} bytes, an empty page is {blank}"


def test_chief_signs_in_switches_to_english_and_signs_out(page, live_server, tmp_path):
    build_world()

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(page.get_by_role("heading", name="登录")).to_be_visible()

    page.get_by_label("用户名").fill("zhang")
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_have_text("用户名或密码不正确，请重试。")
    expect(page.get_by_label("用户名")).to_have_value("zhang")
    expect(page.get_by_label("密码")).to_have_value("")

    page.get_by_label("密码").fill("Demo@2026")
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()
    expect(page.get_by_role("banner").locator(".who")).to_have_text("张站长站长/常务副站长 · 振兴基层治理联动工作站")
    expect(page.get_by_role("button", name="退出")).to_be_visible()

    _screenshot(page, tmp_path / "home-phone.png", PHONE)
    _screenshot(page, tmp_path / "home-desktop.png", DESKTOP)

    page.get_by_role("combobox", name="Language").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Workbench")).to_be_visible()
    expect(page.get_by_role("banner").locator(".who")).to_have_text(
        "张站长Station chief / executive deputy chief · 振兴基层治理联动工作站"
    )

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    # The language chosen stays with the browser after logging out.
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_label("Username")).to_have_value("")
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)
