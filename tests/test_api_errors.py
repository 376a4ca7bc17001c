"""Which database integrity errors the API calls a conflict (409) and which a bug (500, logged).

The errors are real ones from the database, handed to the API's exception handler as DRF hands
it whatever a view raised."""

import datetime as dt
import logging

import pytest
from django.db import IntegrityError, transaction

from cases.api.errors import exception_handler
from cases.models import Assignment, Extension, Party
from tests.personas import walk_to

pytestmark = pytest.mark.django_db


def raised(make) -> IntegrityError:
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        make()
    return caught.value


def answer(exc):
    response = exception_handler(exc, {"view": None})
    return response.status_code, response.data


def test_a_race_lost_on_a_named_constraint_is_a_409(world, caplog):
    case = walk_to(world, "in_progress")
    lead = Assignment.objects.get(case=case, role="lead")

    def second_pending_extension():
        for _ in range(2):  # two requests that both passed the service's check
            Extension.objects.create(
                case=case,
                assignment=lead,
                reason="需等待鉴定",
                requested_by=world.tiaojie,
                previous_due_at=case.handle_due_at,
                requested_due_at=case.handle_due_at + dt.timedelta(days=3),
            )

    status, data = answer(raised(second_pending_extension))
    assert (status, data["code"]) == (409, "conflict")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_any_other_integrity_error_is_a_logged_500(world, caplog):
    case = walk_to(world, "reported")
    exc = raised(lambda: Party.objects.create(case=case, name="张某", id_number="12345"))
    status, data = answer(exc)
    assert (status, data) == (500, {"code": "server_error", "message": "服务器内部错误，请稍后重试", "errors": {}})
    [record] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert record.exc_info[1] is exc  # with its traceback: a bug to fix
