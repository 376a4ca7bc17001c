"""Login lockout in a real browser: ten wrong passwords, then the right one is refused with the
lockout page (django-axes, issue 13)."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.personas import build_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_wrong_passwords_lock_the_account_even_for_the_right_one(page, live_server):
    build_world()
    page.expect_console_error(r"status of 429")  # Chromium logs the refused page's status
    page.goto("/accounts/login/")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        page.get_by_label("用户名").fill("zhang")
        page.get_by_label("密码").fill(f"guess-{attempt}")
        page.get_by_role("button", name="登录").click()
        expect(page.get_by_role("alert")).to_be_visible()
    page.shoot("1-after-wrong-passwords")

    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("zhang")
    page.get_by_label("密码").fill("Demo@2026")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="登录已暂停")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text(f"密码连续错误 {settings.AXES_FAILURE_LIMIT} 次")
    expect(page.get_by_role("button", name="退出")).to_have_count(0)
    page.shoot("2-locked-out")
