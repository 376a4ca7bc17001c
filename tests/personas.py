"""A small station and the named people the tests speak of (healthchecks' Alice, Bob, Charlie).

- wang      网格员 who walks the 紫金凰 grid (the reporter)
- zhang     站长 of the station (chief)
- tiaojie   调解员 of the mediation force (handler and mediator: the lead of neighbour disputes)
- zhifa     handler at 综合行政执法 (a co-department of neighbour disputes)
- gongan    handler at 公安 (the other co-department)
- shijian   handler at 市场监管 (a department not assigned: sees nothing of those cases)
- renshe    handler and liaison officer of 人力社保, an "X" department at this station
- yingji    liaison officer of 应急管理 (another "X"), named on the roster only: no membership
- lingdao   leader of the district
- outsider  chief of another station
- fu        a second chief (常务副站长) of the station: only where a test adds them (add_second_chief)
Category and roster facts are built here with the ORM; case state only ever through services.
"""

from types import SimpleNamespace

import pytest

from cases.deadlines import DEFAULT_LIMITS
from cases.models import Category, Clarity, Complexity, KeywordRule, SlaRule
from workstation.models import Department, Grid, Membership, Role, StationDepartment, User, Workstation


def _user(username: str, name: str, **extra) -> User:
    return User.objects.create_user(username, password="Demo@2026", display_name=name, **extra)


def build_world() -> SimpleNamespace:
    w = SimpleNamespace()
    w.station = Workstation.objects.create(code="ZX", name="振兴基层治理联动工作站")
    w.other_station = Workstation.objects.create(code="HX", name="和兴基层治理联动工作站")
    dept = {
        code: Department.objects.create(code=code, name=name)
        for code, name in [
            ("police", "公安分局"),
            ("enforcement", "综合行政执法局"),
            ("market", "市场监管局"),
            ("mediation", "人民调解委员会"),
            ("hrss", "人力社保局"),
            ("emergency", "应急管理局"),
        ]
    }
    w.dept = SimpleNamespace(**dept)
    w.grid = Grid.objects.create(
        station=w.station, code="ZJH-1", name="紫金凰社区第一网格", center_latitude=30.27, center_longitude=120.15
    )
    w.other_grid = Grid.objects.create(station=w.station, code="ZJH-2", name="紫金凰社区第二网格")

    w.wang = _user("wang", "王网格", phone="13800000001")
    w.zhang = _user("zhang", "张站长", phone="13800000002")
    w.tiaojie = _user("tiaojie", "陶调解")
    w.zhifa = _user("zhifa", "赵执法")
    w.gongan = _user("gongan", "顾公安")
    w.shijian = _user("shijian", "石市监")
    w.renshe = _user("renshe", "任人社", phone="13800000009")
    w.lingdao = _user("lingdao", "林领导")
    w.outsider = _user("outsider", "欧站长")
    w.yingji = _user("yingji", "应联络")

    Membership.objects.create(user=w.wang, role=Role.GRID_WORKER, station=w.station).grids.add(w.grid)
    Membership.objects.create(user=w.zhang, role=Role.CHIEF, station=w.station)
    Membership.objects.create(user=w.tiaojie, role=Role.MEDIATOR, station=w.station, department=w.dept.mediation)
    for user, department in [
        (w.zhifa, w.dept.enforcement),
        (w.gongan, w.dept.police),
        (w.shijian, w.dept.market),
        (w.renshe, w.dept.hrss),
    ]:
        Membership.objects.create(user=user, role=Role.HANDLER, station=w.station, department=department)
    Membership.objects.create(user=w.lingdao, role=Role.LEADER)
    Membership.objects.create(user=w.outsider, role=Role.CHIEF, station=w.other_station)

    for code in ["police", "enforcement", "market", "mediation"]:
        StationDepartment.objects.create(station=w.station, department=dept[code], presence="stationed")
    StationDepartment.objects.create(
        station=w.station, department=w.dept.hrss, presence="liaison", liaison_officer=w.renshe
    )
    StationDepartment.objects.create(
        station=w.station, department=w.dept.emergency, presence="liaison", liaison_officer=w.yingji
    )

    w.neighbour = Category.objects.create(
        code="neighbour", name="邻里纠纷", owner=w.dept.mediation, clarity=Clarity.BLURRED, complexity=Complexity.NORMAL
    )
    w.neighbour.co_departments.set([w.dept.enforcement, w.dept.police])
    w.labour = Category.objects.create(code="labour", name="劳资纠纷", owner=w.dept.hrss, clarity=Clarity.CLEAR)
    w.consumer = Category.objects.create(code="consumer", name="消费纠纷", owner=w.dept.market, clarity=Clarity.CLEAR)
    w.building = Category.objects.create(
        code="illegal_building", name="违章搭建", owner=w.dept.enforcement, clarity=Clarity.CLEAR
    )
    for category, words in [
        (w.neighbour, ["空调外机", "噪音", "漏水"]),
        (w.labour, ["欠薪", "工资"]),
        (w.consumer, ["退款", "预付卡"]),
        (w.building, ["违建", "搭建"]),
    ]:
        for word in words:
            KeywordRule.objects.create(category=category, keyword=word)
    for urgency, limits in DEFAULT_LIMITS.items():
        SlaRule.objects.create(urgency=urgency, **limits)
    return w


def add_second_chief(w) -> User:
    """傅副站长, a second chief of the station, for tests of two chiefs at once. Not in
    ``build_world``: every other test counts on one chief being told of what chiefs are told."""
    w.fu = _user("fu", "傅副站长")
    Membership.objects.create(user=w.fu, role=Role.CHIEF, station=w.station)
    return w.fu


@pytest.fixture
def world(db):
    return build_world()


def report_ac_dispute(w, **extra):
    """The 紫金凰小区 air-conditioner dispute, as the grid worker files it."""
    from cases.services.intake import PartyInput, case_report

    fields = {
        "actor": w.wang,
        "station": w.station,
        "grid": w.grid,
        "title": "紫金凰小区空调外机噪音纠纷",
        "description": "紫金凰小区3幢楼上空调外机噪音、滴水扰民，邻里多次争吵",
        "address": "紫金凰小区3幢",
        "parties": [
            PartyInput(name="张某", role="complainant", phone="13900000001"),
            PartyInput(name="李某", role="respondent", phone="13900000002"),
        ],
    }
    fields.update(extra)
    return case_report(**fields)


def walk_to(w, status: str):
    """The air-conditioner dispute, taken by the real services to ``status``."""
    from cases.services import dispatching, feedback, handling

    case = report_ac_dispute(w)
    if status == "reported":
        return case
    if status == "rejected":
        return dispatching.case_reject(case.pk, actor=w.zhang, reason="非本站辖区事项")
    if status == "merged":
        original = report_ac_dispute(w, title="紫金凰小区空调外机噪音（首报）")
        return dispatching.case_merge(case.pk, actor=w.zhang, into_id=original.pk, reason="重复上报")
    case = dispatching.case_accept(case.pk, actor=w.zhang)
    if status == "accepted":
        return case
    case = dispatching.case_dispatch(case.pk, actor=w.zhang)
    if status == "dispatched":
        return case
    case = handling.assignment_sign(case.pk, actor=w.tiaojie)
    if status == "in_progress":
        return case
    for co in (w.zhifa, w.gongan):
        handling.assignment_sign(case.pk, actor=co)
        handling.part_record(case.pk, actor=co, text="已到场核实并配合调解")
    case = handling.case_resolve(case.pk, actor=w.tiaojie, text="双方达成协议，空调外机已移位并加装接水管")
    if status == "resolved":
        return case
    case = feedback.case_feedback(case.pk, actor=w.wang, result="satisfied")
    assert status == "closed", status
    return case
