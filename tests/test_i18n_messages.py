"""Messages refused to users follow the active language; the Chinese msgid is the zh-hans text."""

import re

import pytest
from django.utils import translation

from cases.services import dispatching
from cases.services.lifecycle import Conflict
from tests.api_helpers import assert_error, client_for, post
from tests.personas import walk_to

CJK = re.compile(r"[\u3400-\u9fff]")


def test_refused_action_message_follows_the_language(world):
    case = walk_to(world, "closed")

    with translation.override("en"), pytest.raises(Conflict) as refused:
        dispatching.case_accept(case.pk, actor=world.zhang)
    assert refused.value.code == "illegal_transition"
    assert refused.value.message == "The case is currently “Closed”; cannot accept"

    with translation.override("zh-hans"), pytest.raises(Conflict) as refused:
        dispatching.case_accept(case.pk, actor=world.zhang)
    assert refused.value.message == "案件当前状态为「已结案」，不能受理"


def test_api_errors_follow_accept_language(world):
    case = walk_to(world, "closed")
    url = f"/api/cases/{case.pk}/accept/"
    with translation.override("zh-hans"):  # restores the thread's language afterwards
        body = assert_error(post(world.zhang, url, HTTP_ACCEPT_LANGUAGE="en"), 409, "illegal_transition")
        assert body["message"] == "The case is currently “Closed”; cannot accept"

        body = assert_error(post(world.zhang, url), 409, "illegal_transition")
        assert body["message"] == "案件当前状态为「已结案」，不能受理"

        fresh = walk_to(world, "reported")
        reject = f"/api/cases/{fresh.pk}/reject/"
        body = assert_error(post(world.zhang, reject, {"reason": " "}, HTTP_ACCEPT_LANGUAGE="en"), 400, "invalid")
        assert body["errors"] == {"reason": ["Please give the reason for rejecting the case"]}
        assert not CJK.search(str(body))

        body = assert_error(client_for(None).get("/api/cases/", HTTP_ACCEPT_LANGUAGE="en"), 401)
        assert body["message"] == "Please log in or provide an API token"
        body = assert_error(client_for(None).get("/api/cases/"), 401)
        assert body["message"] == "请先登录或提供 API 令牌"
