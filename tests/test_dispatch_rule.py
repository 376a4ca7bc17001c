"""The "4+X" dispatch rule (DESIGN §5), pinned by example. Pure: no database, no clock."""

import dataclasses
import json
import re
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from cases.dispatch import (
    BLURRED,
    CLEAR,
    CLOCK_HOURS,
    JOINT,
    LIAISON,
    SOLO,
    STATIONED,
    WORK_DAYS,
    WORK_HOURS,
    CategoryFacts,
    DepartmentFacts,
    DispatchFacts,
    KeywordFacts,
    PartyFacts,
    PresenceFacts,
    SlaFacts,
    plan_dispatch,
    suggest_category,
)
from cases.wording import reason_text

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

# Departments: the 4 stationed every day, then X departments with liaison officers.
POLICE, ENFORCEMENT, MARKET, MEDIATION = 1, 2, 3, 4
HRSS, CONSTRUCTION, EMERGENCY, SOCIAL, ECOLOGY = 5, 6, 7, 8, 9
HRSS_OFFICER, CONSTRUCTION_OFFICER, ECOLOGY_OFFICER = 501, 601, 901

DEPARTMENTS = (
    DepartmentFacts(POLICE, "公安分局"),
    DepartmentFacts(ENFORCEMENT, "综合行政执法局"),
    DepartmentFacts(MARKET, "市场监管局"),
    DepartmentFacts(MEDIATION, "司法所（调解员）"),
    DepartmentFacts(HRSS, "人力社保局"),
    DepartmentFacts(CONSTRUCTION, "建设交通局"),
    DepartmentFacts(EMERGENCY, "应急管理局"),
    DepartmentFacts(SOCIAL, "社会发展局"),
    DepartmentFacts(ECOLOGY, "生态环境分局"),
)
ROSTER = (  # 社会发展局 is not on this station's roster at all.
    PresenceFacts(POLICE, STATIONED),
    PresenceFacts(ENFORCEMENT, STATIONED),
    PresenceFacts(MARKET, STATIONED),
    PresenceFacts(MEDIATION, STATIONED),
    PresenceFacts(HRSS, LIAISON, HRSS_OFFICER),
    PresenceFacts(CONSTRUCTION, LIAISON, CONSTRUCTION_OFFICER),
    PresenceFacts(EMERGENCY, LIAISON, None),
    PresenceFacts(ECOLOGY, LIAISON, ECOLOGY_OFFICER),
)

NEIGHBOURS, STREET, FOOD, WAGES, BUILDING, FIRE, ORDER, ELDERLY, TRAFFIC, RENTAL, SHOP_NOISE, OTHER = range(10, 22)
POLLUTION, ILLEGAL_BUILDING = 22, 23
CATEGORIES = (
    CategoryFacts(NEIGHBOURS, "邻里纠纷", MEDIATION, BLURRED, (ENFORCEMENT, POLICE), 15),
    CategoryFacts(STREET, "占道经营", ENFORCEMENT, CLEAR, (), 5),
    CategoryFacts(FOOD, "食品安全", MARKET, CLEAR, (), 5),
    CategoryFacts(WAGES, "劳资纠纷", HRSS, CLEAR, (), 5),
    CategoryFacts(BUILDING, "建筑施工", CONSTRUCTION, CLEAR, (), 5),
    CategoryFacts(FIRE, "消防隐患", EMERGENCY, CLEAR, (), 1),
    CategoryFacts(ORDER, "治安管理", POLICE, CLEAR, (), 1),
    CategoryFacts(ELDERLY, "养老服务", SOCIAL, CLEAR, (), 5),
    CategoryFacts(TRAFFIC, "交通秩序", POLICE, CLEAR, (), 1),
    CategoryFacts(RENTAL, "群租房整治", None, BLURRED, (POLICE, ENFORCEMENT, CONSTRUCTION), 15),
    # Misconfigured on purpose: the owner is listed as a co-department and police twice.
    CategoryFacts(SHOP_NOISE, "商户经营噪音", ENFORCEMENT, BLURRED, (POLICE, ENFORCEMENT, MARKET, POLICE), 5),
    CategoryFacts(OTHER, "其他", None, CLEAR, (), 5),
    CategoryFacts(POLLUTION, "环境污染", ECOLOGY, BLURRED, (ENFORCEMENT,), 5),
    CategoryFacts(ILLEGAL_BUILDING, "违章搭建", ENFORCEMENT, CLEAR, (), 15),
)
KEYWORDS = (
    KeywordFacts("空调外机", NEIGHBOURS, 3),
    KeywordFacts("邻里", NEIGHBOURS, 2),
    KeywordFacts("噪音", NEIGHBOURS, 1),
    KeywordFacts("滴水", NEIGHBOURS, 1),
    KeywordFacts("争吵", NEIGHBOURS, 1),
    KeywordFacts("占道", STREET, 3),
    KeywordFacts("摊贩", STREET, 2),
    KeywordFacts("过期食品", FOOD, 3),
    KeywordFacts("食品", FOOD, 1),
    KeywordFacts("无证经营", FOOD, 2),
    KeywordFacts("拖欠工资", WAGES, 3),
    KeywordFacts("欠薪", WAGES, 3),
    KeywordFacts("工资", WAGES, 1),
    KeywordFacts("脚手架", BUILDING, 2),
    KeywordFacts("工地", BUILDING, 2),
    KeywordFacts("施工", BUILDING, 1),
    KeywordFacts("消防通道", FIRE, 3),
    KeywordFacts("堵塞", FIRE, 1),
    KeywordFacts("打架", ORDER, 3),
    KeywordFacts("盗窃", ORDER, 3),
    KeywordFacts("养老", ELDERLY, 3),
    KeywordFacts("乱停车", TRAFFIC, 3),
    KeywordFacts("群租", RENTAL, 3),
    KeywordFacts("音响", SHOP_NOISE, 2),
    KeywordFacts("商铺", SHOP_NOISE, 1),
    KeywordFacts("油烟", POLLUTION, 3),
    KeywordFacts("违章搭建", ILLEGAL_BUILDING, 3),
    KeywordFacts("搭建", ILLEGAL_BUILDING, 1),
    KeywordFacts("违建", 99, 3),  # points at a category that is not active: ignored
)
NORMAL_SLA = SlaFacts(sign_amount=1, sign_unit=WORK_DAYS, handle_amount=None, handle_unit=WORK_DAYS)


def lines(p) -> list[str]:
    """The plan's reasons as a zh-hans reader sees them (the rule stores codes and names)."""
    with translation.override("zh-hans"):
        return [reason_text(reason) for reason in p.reasons]


def make_facts(**changes) -> DispatchFacts:
    base = DispatchFacts(
        category_id=None,
        title="",
        description="",
        urgency="normal",
        grid_id=3,
        parties=(),
        categories=CATEGORIES,
        keywords=KEYWORDS,
        roster=ROSTER,
        departments=DEPARTMENTS,
        sla_for={None: NORMAL_SLA},
        now=NOW,
    )
    return dataclasses.replace(base, **changes)


def fake_add_time(start: datetime, amount: int, unit: str) -> datetime:
    """A stand-in for the working calendar: a working day is 24 h, any hour is an hour."""
    return start + (timedelta(days=amount) if unit == WORK_DAYS else timedelta(hours=amount))


def plan(**changes):
    return plan_dispatch(make_facts(**changes), add_time=fake_add_time)


def observe(p) -> dict:
    return {
        "mode": p.mode,
        "category": p.category_id,
        "suggested": None if p.suggestion is None else (p.suggestion.category_id, p.suggestion.low_confidence),
        "lead": p.lead_id,
        "co": p.co_ids,
        "summons": tuple((s.department_id, s.liaison_officer_id) for s in p.summons),
        "needs_chief": p.needs_chief,
    }


def expect(mode, category, lead, *, co=(), summons=(), suggested=None, needs_chief=False) -> dict:
    return {
        "mode": mode,
        "category": category,
        "suggested": suggested,
        "lead": lead,
        "co": co,
        "summons": summons,
        "needs_chief": needs_chief,
    }


RESTAURANT = {
    "title": "底商餐馆油烟直排",
    "description": "紫金凰小区底商餐馆油烟直排，还在后院违章搭建了彩钢棚",
}

ZIJINHUANG = {
    "title": "空调外机噪音滴水扰民",
    "description": "紫金凰小区3幢楼上空调外机噪音、滴水扰民，邻里多次争吵",
}

SCENARIOS = [
    pytest.param(
        {"title": "超市销售过期食品", "description": "居民反映小区超市货架上有过期食品"},
        expect(SOLO, FOOD, MARKET, suggested=(FOOD, False)),
        ("类别「食品安全」权责清晰，由主责部门「市场监管局」各自管。",),
        id="clear-category-goes-solo-to-its-owner",
    ),
    pytest.param(
        {"category_id": NEIGHBOURS, "title": "邻居矛盾", "description": "两户人家因琐事不和"},
        expect(JOINT, NEIGHBOURS, MEDIATION, co=(ENFORCEMENT, POLICE)),
        ("类别「邻里纠纷」权责边界模糊，联合管。", "建议召开联合调处"),
        id="blurred-category-goes-joint-with-its-co-departments",
    ),
    pytest.param(
        ZIJINHUANG,
        expect(JOINT, NEIGHBOURS, MEDIATION, co=(ENFORCEMENT, POLICE), suggested=(NEIGHBOURS, False)),
        ("「空调外机」「噪音」「滴水」「邻里」「争吵」", "类别「邻里纠纷」权责边界模糊，联合管。"),
        id="zijinhuang-air-conditioner-dispute-mediator-leads",
    ),
    pytest.param(
        {"title": "工地拖欠工资", "description": "某小区工地拖欠二十余名农民工工资两个月"},
        expect(
            JOINT,
            WAGES,
            HRSS,
            co=(CONSTRUCTION,),
            summons=((HRSS, HRSS_OFFICER), (CONSTRUCTION, CONSTRUCTION_OFFICER)),
            suggested=(WAGES, False),
        ),
        ("情况描述还涉及「建筑施工」（主责「建设交通局」）",),
        id="text-spanning-two-owners-goes-joint",
    ),
    pytest.param(
        {"title": "饭店拖欠工资", "description": "服务员反映饭店拖欠三个月工资"},
        expect(SOLO, WAGES, HRSS, summons=((HRSS, HRSS_OFFICER),), suggested=(WAGES, False)),
        ("「人力社保局」为按需入驻（X）部门，召集其联络员到站。",),
        id="x-department-lead-summons-its-liaison-officer",
    ),
    pytest.param(
        {"title": "消防通道被堵", "description": "小区消防通道被电动车堵塞"},
        expect(SOLO, FIRE, EMERGENCY, summons=((EMERGENCY, None),), suggested=(FIRE, False)),
        ("未登记联络员",),
        id="x-department-without-officer-still-summoned-with-warning",
    ),
    pytest.param(
        {"title": "养老服务点无人值守", "description": "社区养老服务点白天经常无人"},
        expect(SOLO, ELDERLY, SOCIAL, suggested=(ELDERLY, False)),
        ("「社会发展局」未入驻本站",),
        id="department-not-on-roster-assigned-with-note",
    ),
    pytest.param(
        {"category_id": ORDER, "urgency": "major", "title": "深夜聚众打架", "description": "广场有人聚众打架"},
        expect(JOINT, ORDER, POLICE),
        ("紧急程度为重大，联合管。",),
        id="major-urgency-goes-joint",
    ),
    pytest.param(
        {"title": "群众来电", "description": "群众来电反映情况，内容不详"},
        expect(SOLO, None, None, needs_chief=True),
        ("未匹配到关键词规则", "请站长指定"),
        id="no-match-no-choice-chief-decides",
    ),
    pytest.param(
        {"title": "群众来电", "description": "群众来电反映情况，内容不详", "chief_lead_id": MARKET},
        expect(SOLO, None, MARKET),
        ("站长指定「市场监管局」主办。",),
        id="no-match-chief-named-lead",
    ),
    pytest.param(
        {"title": "夜间施工", "description": "晚上十点后仍有机器声"},
        expect(
            SOLO,
            BUILDING,
            CONSTRUCTION,
            summons=((CONSTRUCTION, CONSTRUCTION_OFFICER),),
            suggested=(BUILDING, True),
        ),
        ("置信度低",),
        id="single-weak-keyword-is-low-confidence",
    ),
    pytest.param(
        {"title": "摊贩占道", "description": "路口摊贩占道，消防通道堵塞"},
        expect(JOINT, STREET, ENFORCEMENT, co=(EMERGENCY,), summons=((EMERGENCY, None),), suggested=(STREET, True)),
        ("置信度56%", "置信度低"),
        id="share-below-threshold-is-low-confidence",
    ),
    pytest.param(
        {"title": "工地施工队欠薪", "description": ""},
        expect(
            JOINT,
            BUILDING,
            CONSTRUCTION,
            co=(HRSS,),
            summons=((CONSTRUCTION, CONSTRUCTION_OFFICER), (HRSS, HRSS_OFFICER)),
            suggested=(BUILDING, True),
        ),
        ("置信度低",),
        id="score-tie-broken-by-more-keywords-and-flagged",
    ),
    pytest.param(
        {"title": "施工方未付工资", "description": ""},
        expect(
            JOINT,
            WAGES,
            HRSS,
            co=(CONSTRUCTION,),
            summons=((HRSS, HRSS_OFFICER), (CONSTRUCTION, CONSTRUCTION_OFFICER)),
            suggested=(WAGES, True),
        ),
        ("置信度50%",),
        id="full-tie-broken-by-lower-category-id",
    ),
    pytest.param(
        {"category_id": ORDER, "title": "小区乱停车引发口角", "description": "车主与保安发生口角"},
        expect(SOLO, ORDER, POLICE),
        ("上报人选定类别「治安管理」。",),
        id="reporter-choice-beats-keywords",
    ),
    pytest.param(
        {"category_id": STREET, "title": "路边摊卖过期食品", "description": ""},
        expect(JOINT, STREET, ENFORCEMENT, co=(MARKET,)),
        ("上报人选定类别「占道经营」。", "情况描述还涉及「食品安全」（主责「市场监管局」）"),
        id="reporter-choice-kept-other-owner-joins",
    ),
    pytest.param(
        RESTAURANT,
        expect(
            JOINT,
            ILLEGAL_BUILDING,
            ENFORCEMENT,
            co=(ECOLOGY,),
            summons=((ECOLOGY, ECOLOGY_OFFICER),),
            suggested=(ILLEGAL_BUILDING, True),
        ),
        (
            "根据关键词「违章搭建」「搭建」建议类别「违章搭建」",
            "情况描述还涉及「环境污染」（主责「生态环境分局」）：关键词「油烟」，跨部门联合管。",
        ),
        id="fumes-and-illegal-extension-best-match-leads-other-owner-joins",
    ),
    pytest.param(
        {**RESTAURANT, "category_id": POLLUTION},
        expect(JOINT, POLLUTION, ECOLOGY, co=(ENFORCEMENT,), summons=((ECOLOGY, ECOLOGY_OFFICER),)),
        (
            "上报人选定类别「环境污染」。",
            "情况描述还涉及「违章搭建」（主责「综合行政执法局」）：关键词「违章搭建」「搭建」，跨部门联合管。",
        ),
        id="chosen-category-keeps-the-other-matter-its-owner-already-co",
    ),
    pytest.param(
        {"title": "饭店拖欠工资", "description": "饭店门口占道经营，后院违章搭建，还拖欠服务员工资"},
        expect(JOINT, WAGES, HRSS, co=(ENFORCEMENT,), summons=((HRSS, HRSS_OFFICER),), suggested=(WAGES, True)),
        (
            "情况描述还涉及「违章搭建」（主责「综合行政执法局」）：关键词「违章搭建」「搭建」，跨部门联合管。",
            "情况描述还涉及「占道经营」（主责「综合行政执法局」）：关键词「占道」，跨部门联合管。",
        ),
        id="two-other-matters-of-one-owner-each-named-owner-added-once",
    ),
    pytest.param(
        {
            "category_id": WAGES,
            "title": "农民工讨要工资",
            "description": "十余名农民工到站反映讨要工资无果",
            "parties": (
                PartyFacts("李某", description="农民工代表"),
                PartyFacts("浙江某某建设有限公司", "浙江某某建设有限公司", "紫金凰小区工地总包单位"),
            ),
        },
        expect(
            JOINT,
            WAGES,
            HRSS,
            co=(CONSTRUCTION,),
            summons=((HRSS, HRSS_OFFICER), (CONSTRUCTION, CONSTRUCTION_OFFICER)),
        ),
        ("当事人信息涉及「建筑施工」（主责「建设交通局」）",),
        id="parties-across-owners-go-joint",
    ),
    pytest.param(
        {"category_id": NEIGHBOURS, "title": "楼下摊贩占道", "description": "楼下摊贩占道经营，邻里争吵"},
        expect(JOINT, NEIGHBOURS, MEDIATION, co=(ENFORCEMENT, POLICE)),
        ("情况描述还涉及「占道经营」（主责「综合行政执法局」）",),
        id="co-departments-deduplicated",
    ),
    pytest.param(
        {"category_id": SHOP_NOISE, "title": "商铺音响声音过大", "description": ""},
        expect(JOINT, SHOP_NOISE, ENFORCEMENT, co=(POLICE, MARKET)),
        ("由「综合行政执法局」主办，协办：「公安分局」「市场监管局」",),
        id="lead-never-in-co-even-if-configured",
    ),
    pytest.param(
        {"category_id": RENTAL, "title": "出租屋群租", "description": "", "chief_lead_id": POLICE},
        expect(
            JOINT,
            RENTAL,
            POLICE,
            co=(ENFORCEMENT, CONSTRUCTION),
            summons=((CONSTRUCTION, CONSTRUCTION_OFFICER),),
        ),
        ("类别「群租房整治」未设主责部门。", "站长指定「公安分局」主办。"),
        id="ownerless-blurred-chief-lead-dropped-from-co",
    ),
    pytest.param(
        {"category_id": RENTAL, "title": "出租屋群租", "description": ""},
        expect(
            JOINT,
            RENTAL,
            None,
            co=(POLICE, ENFORCEMENT, CONSTRUCTION),
            summons=((CONSTRUCTION, CONSTRUCTION_OFFICER),),
            needs_chief=True,
        ),
        ("由待站长指定的部门主办", "无法确定主办部门，请站长指定。"),
        id="ownerless-blurred-needs-chief",
    ),
    pytest.param(
        {"category_id": OTHER, "title": "其他事项", "description": ""},
        expect(SOLO, OTHER, None, needs_chief=True),
        ("类别「其他」未设主责部门。",),
        id="ownerless-clear-needs-chief",
    ),
]


@pytest.mark.parametrize(("changes", "expected", "reason_parts"), SCENARIOS)
def test_plan(changes, expected, reason_parts):
    p = plan(**changes)

    assert observe(p) == expected
    assert p.propose_mediation == (p.mode == JOINT)
    assert p.lead_id not in p.co_ids
    assert len(set(p.co_ids)) == len(p.co_ids)
    reasons = "\n".join(lines(p))
    for part in reason_parts:
        assert part in reasons


@pytest.mark.parametrize(("changes", "expected", "reason_parts"), SCENARIOS)
def test_reasons_are_chinese_and_name_the_category(changes, expected, reason_parts):
    p = plan(**changes)

    assert lines(p)
    assert all(re.search(r"[\u4e00-\u9fff]", line) for line in lines(p))
    if p.category_id is not None:
        name = next(c.name for c in CATEGORIES if c.id == p.category_id)
        assert any(f"「{name}」" in line for line in lines(p))


def test_each_other_matter_has_its_own_reason_line_best_match_first():
    p = plan(title="饭店拖欠工资", description="饭店门口占道经营，后院违章搭建，还拖欠服务员工资")

    assert [line for line in lines(p) if "还涉及" in line] == [
        "情况描述还涉及「违章搭建」（主责「综合行政执法局」）：关键词「违章搭建」「搭建」，跨部门联合管。",
        "情况描述还涉及「占道经营」（主责「综合行政执法局」）：关键词「占道」，跨部门联合管。",
    ]


def test_a_matter_named_in_the_text_is_not_repeated_for_a_party():
    p = plan(
        category_id=WAGES,
        title="工地拖欠工资",
        description="",
        parties=(PartyFacts("浙江某某建设有限公司", "浙江某某建设有限公司", "紫金凰小区工地总包单位"),),
    )

    assert [line for line in lines(p) if "涉及" in line] == [
        "情况描述还涉及「建筑施工」（主责「建设交通局」）：关键词「工地」，跨部门联合管。"
    ]
    assert p.co_ids == (CONSTRUCTION,)


def test_party_names_never_appear_in_reasons():
    p = plan(category_id=WAGES, title="讨要工资", description="", parties=(PartyFacts("李某某", "", "工地"),))

    assert p.mode == JOINT
    assert not any("李某某" in line for line in lines(p))


H, D = timedelta(hours=1), timedelta(days=1)

DUE_TIMES = [
    pytest.param(
        FOOD,
        "normal",
        {None: SlaFacts(1, WORK_DAYS, 5, WORK_DAYS)},
        (NOW + D, NOW + 5 * D),
        "签收时限1个工作日，办理时限5个工作日，自分拨起算。",
        id="district-default-working-days",
    ),
    pytest.param(
        FIRE,
        "urgent",
        {FIRE: SlaFacts(1, CLOCK_HOURS, 24, CLOCK_HOURS), None: NORMAL_SLA},
        (NOW + H, NOW + 24 * H),
        "签收时限1小时（自然时），办理时限24小时（自然时）",
        id="urgent-counts-clock-hours",
    ),
    pytest.param(
        STREET,
        "normal",
        {STREET: SlaFacts(2, WORK_HOURS, 3, WORK_DAYS)},
        (NOW + 2 * H, NOW + 3 * D),
        "签收时限2个工作小时",
        id="category-sla-beats-default-work-hours",
    ),
    pytest.param(
        NEIGHBOURS,
        "normal",
        {None: NORMAL_SLA},
        (NOW + D, NOW + 15 * D),
        "办理时限15个工作日",
        id="no-handle-amount-uses-category-complexity",
    ),
    pytest.param(
        FOOD,
        "normal",
        {},
        (None, None),
        "没有适用的时限规则",
        id="no-sla-no-due-times",
    ),
    pytest.param(
        None,
        "normal",
        {None: NORMAL_SLA},
        (None, None),
        "类别未定",
        id="no-category-no-due-times",
    ),
]


@pytest.mark.parametrize(("category_id", "urgency", "sla_for", "due", "reason_part"), DUE_TIMES)
def test_due_times(category_id, urgency, sla_for, due, reason_part):
    p = plan(category_id=category_id, urgency=urgency, sla_for=sla_for, title="事项", description="")

    assert (p.sign_due_at, p.handle_due_at) == due
    assert any(reason_part in line for line in lines(p))


def test_due_times_count_from_now_through_the_calendar():
    calls = []

    def recording_add_time(start, amount, unit):
        calls.append((start, amount, unit))
        return fake_add_time(start, amount, unit)

    sla = SlaFacts(1, WORK_DAYS, 5, WORK_DAYS)
    plan_dispatch(make_facts(category_id=FOOD, sla_for={None: sla}), add_time=recording_add_time)

    assert calls == [(NOW, 1, WORK_DAYS), (NOW, 5, WORK_DAYS)]


SUGGESTIONS = [
    pytest.param(
        ZIJINHUANG["title"] + ZIJINHUANG["description"],
        (NEIGHBOURS, 1.0, False, ("空调外机", "噪音", "滴水", "邻里", "争吵")),
        id="keywords-in-order-of-appearance",
    ),
    pytest.param("噪音噪音噪音，邻里", (NEIGHBOURS, 1.0, False, ("噪音", "邻里")), id="repeats-count-once"),
    pytest.param("违建", None, id="keywords-of-inactive-categories-ignored"),
    pytest.param("", None, id="empty-text"),
]


@pytest.mark.parametrize(("text", "expected"), SUGGESTIONS)
def test_suggest_category(text, expected):
    s = suggest_category(text, KEYWORDS, CATEGORIES)

    got = None if s is None else (s.category_id, s.confidence, s.low_confidence, s.matched)
    assert got == expected


def test_to_json_round_trips_through_json():
    p = plan(**ZIJINHUANG)

    data = p.to_json()
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert data["sign_due_at"] == "2026-11-27T09:00:00+08:00"
    assert data["suggestion"]["matched"] == ["空调外机", "噪音", "滴水", "邻里", "争吵"]
    assert data["co_ids"] == [ENFORCEMENT, POLICE]


@pytest.mark.parametrize(("changes", "expected", "reason_parts"), SCENARIOS)
def test_same_facts_same_plan_whatever_the_input_order(changes, expected, reason_parts):
    first = plan(**changes)
    again = plan(**changes)
    shuffled = plan(
        **changes,
        keywords=tuple(reversed(KEYWORDS)),
        roster=tuple(reversed(ROSTER)),
        categories=tuple(reversed(CATEGORIES)),
        departments=tuple(reversed(DEPARTMENTS)),
    )

    assert first == again == shuffled
    assert first.to_json() == shuffled.to_json()


def test_naive_now_is_refused():
    with pytest.raises(ValueError, match="aware"):
        plan(now=datetime(2026, 11, 26, 9, 0))


def test_values_agree_with_the_models():
    from cases.models import Clarity, Complexity, DispatchMode, TimeUnit, Urgency
    from workstation.models import StationDepartment

    assert {SOLO, JOINT} == set(DispatchMode.values)
    assert {CLEAR, BLURRED} == set(Clarity.values)
    assert {WORK_HOURS, WORK_DAYS, CLOCK_HOURS} == set(TimeUnit.values)
    assert "major" in Urgency.values
    assert CategoryFacts.complexity == Complexity.NORMAL  # the facts' default handling time
    assert {STATIONED, LIAISON} == set(StationDepartment.Presence.values)


def test_rule_imports_without_django():
    code = "import sys, cases.dispatch; sys.exit(any(m.split('.')[0] == 'django' for m in sys.modules))"
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=Path(__file__).resolve().parent.parent, check=False, env={}
    )

    assert done.returncode == 0
