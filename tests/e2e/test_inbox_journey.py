"""The mediator's inbox: a case waiting to be signed, signed from the list, and the row moving on."""

import pytest
from playwright.sync_api import expect

from cases.models import Case
from tests.e2e.pages import Inbox, sign_in
from tests.personas import build_world, walk_to

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_mediator_signs_from_the_inbox_and_the_row_moves_to_in_progress(page):
    world = build_world()
    case = walk_to(world, "dispatched")

    sign_in(page, "tiaojie")
    inbox = Inbox(page)
    expect(inbox.count("待签收")).to_have_text("1")
    expect(inbox.row(case.title)).to_contain_text("签收期限")
    page.shoot("1-inbox-pending")

    url = page.url
    inbox.row(case.title).get_by_role("button", name="签收").click()
    expect(inbox.count("待签收")).to_have_text("0")
    expect(inbox.count("办理中")).to_have_text("1")
    expect(inbox.rows).to_have_count(0)
    assert page.url == url  # no reload, no navigation
    page.shoot("2-signed-row-gone")

    inbox.tab("办理中").click()
    expect(inbox.row(case.title)).to_contain_text("办理期限")
    page.shoot("3-in-progress-tab")
    assert Case.objects.get(pk=case.pk).status == "in_progress"
