"""The dashboard's measures (DESIGN §7) against numbers worked out by hand on a small history
lived through the real services, read at a fixed moment; the rollup against the live count.

The story (station ZX unless said, times Asia/Shanghai, November 2026 the period under test):

- A  reported Fri 30 Oct, dispatched and signed the same morning, resolved 2 Nov, 满意 3 Nov:
     crosses the month boundary (intake and dispatch in October; due, sign due, feedback November)
- B  reported 3 Nov, signed late (5 Nov), resolved 6 Nov, closed as 默认满意 on Sat 14 Nov
- C  reported 4 Nov, extension approved to 20 Nov, resolved 18 Nov (after its first due, before
     the extended one)
- D  reported 5 Nov, market signs and asks to return it, approved, re-dispatched to hrss, which
     signs; never resolved: overdue at the reading
- E  reported 9 Nov, resolved, 不满意 (rework), resolved again, 基本满意
- F  reported 30 Nov 23:30, dispatched 1 Dec: crosses the month's end
- G  reported 20 Nov, rejected
- H  at the other station (HX), from 12345, 10 Nov, never touched
"""

import contextlib
import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest
from django.http import Http404

from cases.models import Case, Extension, Feedback, ReturnRequest
from cases.services import dispatching, feedback, handling
from cases.services.intake import case_report
from cases.services.lifecycle import LifecycleError
from dashboard import counting, measures, rollup
from dashboard.counting import Counts
from dashboard.periods import Period
from dashboard.scopes import Scope, scope_for
from governance import clock
from workstation.models import Department, Grid, Workstation

TZ = ZoneInfo("Asia/Shanghai")
NOVEMBER = Period.containing("month", dt.date(2026, 11, 1))
READ_AT = dt.datetime(2026, 12, 15, 10, 0, tzinfo=TZ)


def at(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=TZ)


def report(w, when, **extra):
    fields = {
        "actor": w.wang,
        "station": w.station,
        "grid": w.grid,
        "category": w.consumer,
        "title": "预付卡退款纠纷",
        "description": "美容店关门，预付卡无法退款",
    }
    fields.update(extra)
    with clock.frozen_at(when):
        return case_report(**fields)


def do(when, service, *args, **kwargs):
    with clock.frozen_at(when):
        return service(*args, **kwargs)


def take_in(w, case, when):
    """Accept and dispatch by the plan (consumer → 市场监管, solo) at ``when``."""
    do(when, dispatching.case_accept, case.pk, actor=w.zhang)
    return do(when, dispatching.case_dispatch, case.pk, actor=w.zhang)


def resolve(w, case, when, user):
    return do(when, handling.case_resolve, case.pk, actor=user, text="已协调商家退款")


@pytest.fixture
def story(world):
    w = world
    s = {}
    a = report(w, at(10, 30, 9))
    take_in(w, a, at(10, 30, 10, 30))
    do(at(10, 30, 11), handling.assignment_sign, a.pk, actor=w.shijian)
    resolve(w, a, at(11, 2, 10), w.shijian)
    do(at(11, 3, 9), feedback.case_feedback, a.pk, actor=w.wang, result="satisfied")
    s["A"] = a

    b = report(w, at(11, 3, 9))
    take_in(w, b, at(11, 3, 9, 30))
    do(at(11, 5, 10), handling.assignment_sign, b.pk, actor=w.shijian)  # due 4 Nov 09:30: late
    b = resolve(w, b, at(11, 6, 10), w.shijian)
    do(at(11, 14, 10), feedback.case_close_default, b.pk, feedback_due_at=b.feedback_due_at)
    s["B"] = b

    c = report(w, at(11, 4, 9))
    take_in(w, c, at(11, 4, 9, 30))
    do(at(11, 4, 10), handling.assignment_sign, c.pk, actor=w.shijian)
    extension = do(
        at(11, 5, 9),
        handling.extension_request,
        c.pk,
        actor=w.shijian,
        requested_due_at=at(11, 20, 17),
        reason="需等待商家清算",
    )
    do(at(11, 5, 10), handling.extension_decide, c.pk, actor=w.zhang, request_id=extension.pk, approve=True)
    resolve(w, c, at(11, 18, 10), w.shijian)
    s["C"] = c

    d = report(w, at(11, 5, 9))
    take_in(w, d, at(11, 5, 9, 30))
    do(at(11, 5, 9, 45), handling.assignment_sign, d.pk, actor=w.shijian)
    request = do(at(11, 5, 10), handling.return_request, d.pk, actor=w.shijian, reason="实为欠薪，不属市场监管")
    do(at(11, 5, 10, 30), handling.return_decide, d.pk, actor=w.zhang, request_id=request.pk, approve=True)
    do(at(11, 5, 11), dispatching.case_dispatch, d.pk, actor=w.zhang, lead_id=w.dept.hrss.pk, reason="改派人社")
    do(at(11, 5, 14), handling.assignment_sign, d.pk, actor=w.renshe)
    s["D"] = d

    e = report(w, at(11, 9, 9))
    take_in(w, e, at(11, 9, 9, 30))
    do(at(11, 9, 10), handling.assignment_sign, e.pk, actor=w.shijian)
    resolve(w, e, at(11, 10, 10), w.shijian)
    do(at(11, 11, 14), feedback.case_feedback, e.pk, actor=w.wang, result="dissatisfied", comment="仍未退款")
    resolve(w, e, at(11, 13, 10), w.shijian)
    do(at(11, 16, 9), feedback.case_feedback, e.pk, actor=w.wang, result="basic")
    s["E"] = e

    f = report(w, at(11, 30, 23, 30))
    take_in(w, f, at(12, 1, 9))
    s["F"] = f

    g = report(w, at(11, 20, 9))
    do(at(11, 20, 10), dispatching.case_reject, g.pk, actor=w.zhang, reason="非本站辖区事项")
    s["G"] = g

    s["H"] = report(
        w, at(11, 10, 9), actor=w.outsider, station=w.other_station, grid=None, source="12345", category=None
    )
    return {name: Case.objects.get(pk=case.pk) for name, case in s.items()}


def test_the_story_is_what_the_docstring_says(story):
    assert story["A"].handle_due_at.astimezone(TZ).month == 11
    assert story["C"].handle_due_at == at(11, 20, 17)  # the extended due
    assert story["D"].status == "in_progress" and story["D"].handle_due_at < READ_AT
    assert story["E"].rework_count == 1 and story["E"].status == "closed"
    assert story["F"].dispatched_at.astimezone(TZ).date() == dt.date(2026, 12, 1)


def test_november_district_by_hand(story, world):
    got = measures.measures(NOVEMBER, Scope(), now=READ_AT)
    assert got.intake == 7  # B C D E F G H
    assert (got.completion.numerator, got.completion.denominator) == (3, 4)  # B C E of B C D E
    assert (got.overdue.numerator, got.overdue.denominator) == (1, 4)  # D
    assert (got.rework.numerator, got.rework.denominator) == (1, 3)  # E of B C E
    # due in November: A B C (extended) D E (its rework round's due); D missed it
    assert (got.on_time.numerator, got.on_time.denominator) == (4, 5)
    # sign dues: A (2 Nov) B (late) C D×2 E
    assert (got.sign_on_time.numerator, got.sign_on_time.denominator) == (5, 6)
    # 派单 made in November: B C D D′ E; one approved return
    assert (got.returns.numerator, got.returns.denominator) == (1, 5)
    # A 满意, E 不满意 then 基本满意; B's default apart
    assert (got.satisfaction.numerator, got.satisfaction.denominator) == (2, 3)
    assert got.default_satisfied == 1
    # 20·5/6 + 40·4/5 + 25·2/3 + 15·(1 − 1/3) = 75.33
    assert got.index == 75.3 and got.colour == "yellow"
    assert got.value("on_time") == 80.0 and got.value("intake") == 7


def test_october_and_a_year_before(story):
    compared = measures.with_changes(NOVEMBER, Scope(), now=READ_AT)
    october = compared.previous
    assert october.intake == 1 and october.completion.denominator == 1 and october.completion.numerator == 1
    assert october.on_time.denominator == 0 and october.on_time.rate is None
    assert october.index == 100.0 and october.colour == "green"  # only "no rework" to judge
    assert compared.year_ago.counts == Counts() and compared.year_ago.index is None
    assert compared.year_ago.colour == "none"
    changes = compared.changes()
    assert changes["intake"]["mom"].delta == 6 and changes["intake"]["mom"].relative == 600.0
    assert changes["intake"]["mom"].direction == "up"
    assert changes["intake"]["yoy"].delta == 7 and changes["intake"]["yoy"].relative is None
    assert changes["index"]["mom"].delta == -24.7


def test_an_empty_period(story):
    sunday = Period.containing("day", dt.date(2026, 11, 1))
    got = measures.measures(sunday, Scope(), now=READ_AT)
    assert got.counts == Counts()
    assert got.index is None and got.colour == "none"
    assert all(getattr(got, name).rate is None for name in ("on_time", "completion", "satisfaction", "returns"))


def test_a_period_of_only_default_satisfied_feedback(story):
    saturday = Period.containing("day", dt.date(2026, 11, 14))
    got = measures.measures(saturday, Scope(), now=READ_AT)
    assert got.default_satisfied == 1
    assert got.satisfaction.denominator == 0 and got.satisfaction.rate is None
    assert got.counts == Counts(fb_default=1)
    assert got.index is None


def test_deadlines_of_today_wait_for_the_day_to_end(story):
    """C's extended due is 20 Nov 17:00: read at noon that day it is not judged yet."""
    day = Period.containing("day", dt.date(2026, 11, 20))
    assert measures.measures(day, Scope(), now=at(11, 20, 12)).on_time.denominator == 0
    assert measures.measures(day, Scope(), now=at(11, 21, 8)).on_time.denominator == 1


def test_departments_and_their_returns(story, world):
    market = measures.measures(NOVEMBER, Scope(department_id=world.dept.market.pk), now=READ_AT)
    hrss = measures.measures(NOVEMBER, Scope(department_id=world.dept.hrss.pk), now=READ_AT)
    assert (market.returns.numerator, market.returns.denominator) == (1, 4)  # B C D E; D returned
    assert (hrss.returns.numerator, hrss.returns.denominator) == (0, 1)
    assert hrss.intake == 1 and hrss.overdue.numerator == 1  # D, led by hrss now
    rows = {row.key: row for row in measures.breakdown(NOVEMBER, Scope(), by="department", now=READ_AT)}
    assert rows[world.dept.market.pk].measures.intake == 4  # B C E, and F (dispatched in December)
    assert rows[None].measures.intake == 2  # G rejected, H never dispatched
    assert rows[None].label == "未分派"


def test_breakdowns_trend_and_ranking(story, world):
    sources = {row.key: row.measures.intake for row in measures.breakdown(NOVEMBER, Scope(), by="source", now=READ_AT)}
    assert sources == {"grid": 6, "12345": 1}
    stations = measures.ranking(NOVEMBER, Scope(), of="station", now=READ_AT)
    assert [(row.label, row.rank, row.measures.colour) for row in stations] == [
        ("振兴基层治理联动工作站", 1, "yellow"),
        ("和兴基层治理联动工作站", 2, "none"),
    ]
    weeks = measures.trend(NOVEMBER, Scope(), step="week", now=READ_AT)
    assert [row.key.first for row in weeks][:2] == [dt.date(2026, 11, 1), dt.date(2026, 11, 2)]
    assert sum(row.measures.intake for row in weeks) == 7
    assert [row.measures.intake for row in weeks] == [0, 3, 2, 1, 0, 1]


def test_a_chief_reads_their_station_only(story, world):
    assert scope_for(world.zhang, {}) == Scope(station_id=world.station.pk)
    with pytest.raises(Http404):
        scope_for(world.zhang, {"station": str(world.other_station.pk)})
    with pytest.raises(Http404):  # a grid of the other station, station left out
        other_grid = Grid.objects.create(station=world.other_station, code="HX-1", name="和兴一网格")
        scope_for(world.zhang, {"grid": str(other_grid.pk)})
    own = measures.measures(NOVEMBER, scope_for(world.zhang, {}), now=READ_AT)
    assert own.intake == 6  # H, at the other station, is not counted
    ranking = measures.ranking(NOVEMBER, scope_for(world.zhang, {}), of="station", now=READ_AT)
    assert [row.key for row in ranking] == [world.station.pk]


def test_who_reads_what(story, world):
    assert scope_for(world.lingdao, {}) == Scope()
    assert scope_for(world.lingdao, {"station": str(world.other_station.pk)}).station_id == world.other_station.pk
    assert scope_for(world.shijian, {}) == Scope(station_id=world.station.pk, department_id=world.dept.market.pk)
    with pytest.raises(Http404):
        scope_for(world.shijian, {"department": str(world.dept.hrss.pk)})
    with pytest.raises(Http404):
        scope_for(world.wang, {})
    with pytest.raises(Http404):
        scope_for(world.lingdao, {"station": "99999"})


def test_rollup_equals_the_live_count_on_the_story(story, world):
    spans = [NOVEMBER, NOVEMBER.previous(), Period.containing("year", dt.date(2026, 1, 1))]
    scopes = [
        Scope(),
        Scope(station_id=world.station.pk),
        Scope(department_id=world.dept.market.pk),
        Scope(category_id=world.consumer.pk),
        Scope(source="12345"),
        Scope(grid_id=world.grid.pk),
    ]
    for scope in scopes:
        for by in (None, "station", "department", "category", "source", "grid"):
            fast = counting.count(spans, scope, by=by, now=READ_AT)
            live = counting.count(spans, scope, by=by, now=READ_AT, live=True)
            assert fast == live, (scope, by)
    year = Period.containing("year", dt.date(2026, 6, 1))
    for period, step in [(NOVEMBER, "day"), (year, "week"), (year, "month")]:
        assert counting.count_steps(period, step, Scope(), now=READ_AT) == counting.count_steps(
            period, step, Scope(), now=READ_AT, live=True
        ), step


def test_query_counts_are_pinned_and_flat(story, world, django_assert_num_queries):
    def page():
        measures.with_changes(NOVEMBER, Scope(), now=READ_AT)
        measures.trend(NOVEMBER, Scope(), step="day", now=READ_AT)
        for by in ("category", "source", "department", "grid"):
            measures.breakdown(NOVEMBER, Scope(), by=by, now=READ_AT)
        measures.ranking(NOVEMBER, Scope(), of="station", now=READ_AT)

    # with_changes 2, trend 2, category 3 (+ its labels 1), source 2, department, grid and the
    # ranking 2 each (+ labels 1 each): rollup sums and overdue cases per call
    with django_assert_num_queries(19):
        page()
    # more stations, departments, grids and cases: the same number of queries
    for n in range(3):
        station = Workstation.objects.create(code=f"Q{'ABC'[n]}", name=f"第{n}站")
        Department.objects.create(code=f"extra{n}", name=f"新部门{n}")
        grid = Grid.objects.create(station=station, code="G1", name=f"第{n}站一网格")
        report(world, at(11, 12, 9), actor=None, station=station, grid=grid, source="12345")
    with django_assert_num_queries(19):
        page()


def test_rollup_stays_exact_through_random_transitions(world):
    """Reports, accepts, rejections, dispatches, signatures, returns, extensions, resolutions,
    feedback and default closures in a random order: the rollup equals the live count after."""
    w = world
    handler = {
        w.dept.market.pk: w.shijian,
        w.dept.hrss.pk: w.renshe,
        w.dept.mediation.pk: w.tiaojie,
        w.dept.enforcement.pk: w.zhifa,
        w.dept.police.pk: w.gongan,
    }
    rng = random.Random(20261129)  # noqa: S311 - a reproducible order, not a secret
    moment = at(10, 26, 9)
    cases: list[int] = []

    def lead_user(case):
        return handler.get(case.lead_department_id) if case else None

    def act(kind, case):
        lead = lead_user(case)
        if kind == "report":
            category = rng.choice([w.consumer, w.labour, w.neighbour, w.building])
            source = rng.choice(["grid", "12345", "110"])
            # A grid worker files grid reports; the hotlines' come in through intake (no actor).
            actor = w.wang if source == "grid" else None
            cases.append(report(w, moment, category=category, source=source, actor=actor).pk)
        elif kind == "accept":
            do(moment, dispatching.case_accept, case.pk, actor=w.zhang)
        elif kind == "reject":
            do(moment, dispatching.case_reject, case.pk, actor=w.zhang, reason="不属受理范围")
        elif kind == "dispatch":
            do(moment, dispatching.case_dispatch, case.pk, actor=w.zhang)
        elif kind == "sign":
            for assignment in case.assignments.filter(status="pending"):
                do(moment, handling.assignment_sign, case.pk, actor=handler[assignment.department_id])
        elif kind == "return" and lead:
            request = do(moment, handling.return_request, case.pk, actor=lead, reason="不属本部门")
            approve = rng.random() < 0.7
            do(
                moment,
                handling.return_decide,
                case.pk,
                actor=w.zhang,
                request_id=request.pk,
                approve=approve,
                note="" if approve else "请继续办理",
            )
        elif kind == "redispatch":
            do(moment, dispatching.case_dispatch, case.pk, actor=w.zhang, lead_id=w.dept.hrss.pk, reason="改派")
        elif kind == "extend" and lead:
            extension = do(
                moment,
                handling.extension_request,
                case.pk,
                actor=lead,
                requested_due_at=case.handle_due_at + dt.timedelta(days=rng.randint(1, 20)),
                reason="需要更多时间",
            )
            do(moment, handling.extension_decide, case.pk, actor=w.zhang, request_id=extension.pk, approve=True)
        elif kind == "resolve" and lead:
            for co in case.assignments.filter(role="co", status="signed"):
                do(moment, handling.part_record, case.pk, actor=handler[co.department_id], text="已配合")
            for co in case.assignments.filter(role="co", status="pending"):
                do(moment, handling.part_waive, case.pk, actor=w.zhang, assignment_id=co.pk, reason="无需协办")
            do(moment, handling.case_resolve, case.pk, actor=lead, text="已办结")
        elif kind == "feedback":
            result = rng.choice(["satisfied", "basic", "dissatisfied"])
            comment = "不满意" if result == "dissatisfied" else ""
            do(moment, feedback.case_feedback, case.pk, actor=w.wang, result=result, comment=comment)
        elif kind == "default":
            do(moment, feedback.case_close_default, case.pk)

    # Mostly what the case's state allows (else little would happen), sometimes anything at all.
    plausible = {
        "reported": ["accept", "accept", "reject"],
        "accepted": ["dispatch", "redispatch"],
        "dispatched": ["sign", "sign", "return", "extend"],
        "in_progress": ["resolve", "resolve", "return", "extend", "sign"],
        "resolved": ["feedback", "feedback", "default"],
    }
    anything = sorted({kind for kinds in plausible.values() for kind in kinds})
    for _step in range(200):
        moment += dt.timedelta(minutes=rng.randint(20, 60 * 20))
        case = Case.objects.get(pk=rng.choice(cases)) if cases else None
        if case is None or rng.random() < 0.15:
            kind = "report"
        elif rng.random() < 0.1:
            kind = rng.choice(anything)
        else:
            kind = rng.choice(plausible.get(case.status, anything))
        with contextlib.suppress(LifecycleError):  # not possible in the case's state: the next step
            act(kind, case)
    read_at = moment + dt.timedelta(days=1)
    year = Period.containing("year", dt.date(2026, 1, 1))
    for period in [
        year,
        Period.containing("month", dt.date(2026, 11, 1)),
        Period.containing("week", dt.date(2026, 11, 4)),
    ]:
        for scope in [Scope(), Scope(department_id=w.dept.hrss.pk), Scope(category_id=w.neighbour.pk)]:
            for by in (None, "department", "category", "source"):
                assert counting.count([period], scope, by=by, now=read_at) == counting.count(
                    [period], scope, by=by, now=read_at, live=True
                ), (period, scope, by)
    # Folding the appended rows changes nothing, and a rebuild from scratch gives the same.
    before = counting.count([year], Scope(), by="department", now=read_at)
    rollup.compact()
    assert counting.count([year], Scope(), by="department", now=read_at) == before
    rollup.rebuild()
    assert counting.count([year], Scope(), by="department", now=read_at) == before
    # The walk went through the paths that move facts between keys and days.
    assert Case.objects.count() > 20
    assert Case.objects.filter(rework_count__gt=0).exists()
    assert ReturnRequest.objects.filter(status="approved").exists()
    assert Extension.objects.filter(status="approved").exists()
    assert Feedback.objects.filter(result="default").exists()
    assert Case.objects.filter(status="rejected").exists()
