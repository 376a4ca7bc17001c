"""A department's scope (cases.access.HoldsDepartment): on PostgreSQL the departments with an
active assignment are kept on the case by a trigger (cases/migrations/0015), and the gate reads
them there. These tests hold that copy to the assignments through the lifecycle and show the gate
answering as EXISTS over the assignments does."""

import pytest
from django.db import connection
from django.db.models import Exists, OuterRef

from cases.access import HoldsDepartment, visible_cases
from cases.models import INACTIVE_ASSIGNMENT_STATUSES, Assignment, Case
from cases.services import dispatching, handling
from tests.personas import walk_to

pytestmark = pytest.mark.django_db


def kept() -> dict[int, list[int]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, active_departments FROM cases_case ORDER BY id")
        return dict(cursor.fetchall())


def from_assignments() -> dict[int, list[int]]:
    active = Assignment.objects.exclude(status__in=INACTIVE_ASSIGNMENT_STATUSES)
    return {case.pk: sorted({a.department_id for a in active if a.case_id == case.pk}) for case in Case.objects.all()}


def test_the_copy_on_the_case_follows_every_assignment_change(world):
    w = world
    case = walk_to(w, "accepted")
    assert kept()[case.pk] == []
    case = dispatching.case_dispatch(case.pk, actor=w.zhang)  # the plan: mediation leads, two co
    assert kept() == from_assignments()
    assert len(kept()[case.pk]) == 3
    handling.assignment_sign(case.pk, actor=w.tiaojie)
    request = handling.return_request(case.pk, actor=w.tiaojie, reason="属于物业管理纠纷，非调解范围")
    assert kept() == from_assignments()  # asking does not return anything yet
    handling.return_decide(case.pk, actor=w.zhang, request_id=request.pk, approve=True)
    assert kept() == from_assignments()
    assert kept()[case.pk] == []  # the whole case went back to the chief
    dispatching.case_dispatch(case.pk, actor=w.zhang, lead_id=w.dept.enforcement.pk, co_ids=(), reason="改由执法局牵头")
    assert kept()[case.pk] == [w.dept.enforcement.pk]
    Assignment.objects.filter(case_id=case.pk).delete()
    assert kept()[case.pk] == []


def test_a_closed_case_keeps_its_departments(world):
    walk_to(world, "closed")
    walk_to(world, "resolved")
    assert kept() == from_assignments()
    assert all(len(departments) == 3 for departments in kept().values())


def test_the_gate_answers_as_exists_over_the_assignments_does(world):
    w = world
    for status in ("reported", "dispatched", "in_progress", "closed"):
        walk_to(w, status)
    for department in (w.dept.mediation, w.dept.enforcement, w.dept.police, w.dept.market):
        exists = Exists(
            Assignment.objects.filter(case=OuterRef("pk"), department=department).exclude(
                status__in=INACTIVE_ASSIGNMENT_STATUSES
            )
        )
        expected = set(Case.objects.filter(exists).values_list("pk", flat=True))
        assert set(Case.objects.filter(HoldsDepartment(department.pk)).values_list("pk", flat=True)) == expected
        # also inside a subquery, where Django gives the case table another alias
        inner = Case.objects.filter(pk__in=Case.objects.filter(HoldsDepartment(department.pk)).values("pk"))
        assert set(inner.values_list("pk", flat=True)) == expected
    assert set(visible_cases(w.tiaojie).values_list("pk", flat=True)) == {
        pk for pk, departments in kept().items() if w.dept.mediation.pk in departments
    }


def test_the_sql_reads_the_copy_on_the_case(world):
    sql = str(Case.objects.filter(HoldsDepartment(7)).query)
    assert '"cases_case"."active_departments" @> ARRAY[7]::bigint[]' in sql


def test_a_departments_filtered_list_finds_its_matches_first(world):
    """Through the API, a department's filtered list is fenced (``department_list``): the same
    rows, one query for the page as before, and the SQL reads the matches' ids first."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.api_helpers import get

    w = world
    for status in ("in_progress", "closed", "dispatched"):
        walk_to(w, status)
    plain = get(w.tiaojie, "/api/cases/").json()["results"]
    with CaptureQueriesContext(connection) as queries:
        filtered = get(w.tiaojie, "/api/cases/", {"category": w.neighbour.pk}).json()["results"]
    assert [row["id"] for row in filtered] == [row["id"] for row in plain]
    assert any("= ANY(ARRAY(SELECT" in q["sql"] for q in queries)
    # a chief's list is left to walk in its order: their station holds too many cases to read all
    with CaptureQueriesContext(connection) as queries:
        get(w.zhang, "/api/cases/", {"category": w.neighbour.pk})
    assert not any("= ANY(ARRAY(SELECT" in q["sql"] for q in queries)
