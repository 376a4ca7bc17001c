"""Two more stations of the district, small, so that the leaders' dashboard has stations to
compare (ranking, breakdown by station, the 同比/环比 of a district): 和兴 (HX) works on time,
东山 (DS) signs and resolves late. Each has a chief, a grid worker, its four stationed
departments with one handler each, two grids, and eight cases lived through the services over
the last seven weeks, each step with the services' clock set to its moment (as the ZX seed).

Accounts (password as every demo account): ``zhanzhang_hx``, ``wanggeyuan_hx``, ``gongan_hx``,
``zhifa_hx``, ``shijian_hx``, ``tiaojie_hx``, and the same with ``_ds``.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from cases.models import Case
from cases.services import dispatching, feedback, handling
from cases.services.intake import case_report
from governance import clock
from workstation.models import Grid, Membership, Role, StationDepartment, Workstation

STATIONED = {"police": "gongan", "enforcement": "zhifa", "market": "shijian", "mediation": "tiaojie"}


@dataclass(frozen=True)
class Story:
    """One case: reported ``days_ago`` at 09:30, its category and source, and how it went:
    closed (满意/基本满意), default (逾期默认满意), late (resolved after its due), rework, overdue
    (signed, never resolved), unsigned (dispatched, waiting), rejected."""

    days_ago: int
    category: str
    source: str
    outcome: str
    title: str


STORIES = {
    "HX": [
        Story(45, "consumer", "grid", "satisfied", "健身房预付卡退费纠纷"),
        Story(38, "family", "walk_in", "satisfied", "老人赡养费用分担纠纷"),
        Story(31, "food-safety", "12345", "basic", "超市出售过期酸奶"),
        Story(24, "street-vending", "grid", "satisfied", "学校门口流动摊贩占道"),
        Story(17, "consumer", "12345", "default", "网购家电退款纠纷"),
        Story(21, "family", "grid", "rework", "离婚后子女探视纠纷"),
        Story(4, "public-order", "110", "satisfied", "夜宵店醉酒滋事"),
        Story(1, "consumer", "grid", "unsigned", "美容店关门预付卡无法退款"),
    ],
    "DS": [
        Story(44, "food-safety", "grid", "late", "小餐馆无证经营"),
        Story(37, "consumer", "12345", "late", "装修公司拖延工期退费纠纷"),
        Story(30, "family", "grid", "default", "兄弟宅基地分割纠纷"),
        Story(23, "consumer", "grid", "overdue", "培训机构跑路学费纠纷"),
        Story(16, "street-vending", "four-platforms", "basic", "菜场外围占道经营"),
        Story(19, "food-safety", "grid", "rework", "学校周边小卖部售卖三无食品"),
        Story(6, "family", "walk_in", "rejected", "外地亲属遗产纠纷"),
        Story(2, "public-order", "110", "unsigned", "小区可疑人员徘徊"),
    ],
}

STATIONS = [
    (
        "HX",
        "和兴基层治理联动工作站",
        "和兴街道",
        "30.2310",
        "120.1720",
        [("HX-01", "和兴社区网格"), ("HX-02", "桃源社区网格")],
    ),
    (
        "DS",
        "东山基层治理联动工作站",
        "东山镇",
        "30.3050",
        "120.1120",
        [("DS-01", "东山村网格"), ("DS-02", "白沙村网格")],
    ),
]


def seed_neighbour_stations(ref, now: datetime) -> int:
    """Create the stations, people and cases that are missing; returns the cases created."""
    made = 0
    for code, name, township, lat, lon, grids in STATIONS:
        station, _ = ref._get_or_create(
            "工作站",
            Workstation,
            code=code,
            defaults={"name": name, "district": "示范区", "township": township, "latitude": lat, "longitude": lon},
        )
        for department_code in STATIONED:
            ref._get_or_create(
                "入驻部门",
                StationDepartment,
                station=station,
                department=ref.departments[department_code],
                defaults={"presence": StationDepartment.Presence.STATIONED},
            )
        made_grids = []
        for i, (grid_code, grid_name) in enumerate(grids):
            grid, _ = ref._get_or_create(
                "网格",
                Grid,
                station=station,
                code=grid_code,
                defaults={
                    "name": grid_name,
                    "community": grid_name.removesuffix("网格"),
                    "center_latitude": f"{float(lat) + i * 0.004:.6f}",
                    "center_longitude": f"{float(lon) + i * 0.004:.6f}",
                },
            )
            made_grids.append(grid)
        suffix = code.lower()
        people = _people(ref, station, made_grids, suffix, name)
        if not Case.objects.filter(station=station).exists():
            for story in STORIES[code]:
                _live(ref, station, made_grids, people, story, now)
                made += 1
    return made


def _people(ref, station, grids, suffix: str, station_name: str) -> dict:
    short = station_name[:2]
    chief = ref.ensure_user(f"zhanzhang_{suffix}", f"{short}站长")
    worker = ref.ensure_user(f"wanggeyuan_{suffix}", f"{short}网格员")
    ref._get_or_create("岗位", Membership, user=chief, role=Role.CHIEF, station=station, department=None)
    membership, created = ref._get_or_create(
        "岗位", Membership, user=worker, role=Role.GRID_WORKER, station=station, department=None
    )
    if created:
        membership.grids.set(grids)
    handlers = {}
    for department_code, username in STATIONED.items():
        user = ref.ensure_user(f"{username}_{suffix}", f"{short}{ref.departments[department_code]}经办人")
        role = Role.MEDIATOR if department_code == "mediation" else Role.HANDLER
        department = ref.departments[department_code]
        ref._get_or_create("岗位", Membership, user=user, role=role, station=station, department=department)
        handlers[department.pk] = user
    return {"chief": chief, "worker": worker, "handlers": handlers}


def _live(ref, station, grids, people, story: Story, now: datetime) -> None:
    """One case's history through the services, each step at its moment."""
    chief, worker = people["chief"], people["worker"]
    tz = ZoneInfo(settings.TIME_ZONE)
    day = (now - timedelta(days=story.days_ago)).astimezone(tz).date()
    start = datetime.combine(day, time(9, 30), tzinfo=tz)

    def at(hours: float) -> datetime:
        return min(start + timedelta(hours=hours), now - timedelta(minutes=5))

    grid = grids[story.days_ago % len(grids)]
    by_grid = story.source == "grid"
    with clock.frozen_at(at(0)):
        case = case_report(
            actor=worker if by_grid else chief,
            station=station,
            grid=grid,
            category=ref.categories[story.category],
            source=story.source,
            title=story.title,
            description=f"{story.title}，请尽快处理。",
            address=f"{grid.community}",
        )
    reporter = worker if by_grid else chief
    if story.outcome == "rejected":
        with clock.frozen_at(at(1)):
            dispatching.case_reject(case.pk, actor=chief, reason="不属本站受理范围，已告知向法院起诉")
        return
    with clock.frozen_at(at(0.5)):
        dispatching.case_accept(case.pk, actor=chief)
    with clock.frozen_at(at(0.75)):
        case = dispatching.case_dispatch(case.pk, actor=chief)
    lead = people["handlers"][case.lead_department_id]
    if story.outcome == "unsigned":
        return
    late = story.outcome == "late"
    with clock.frozen_at(at(100 if late else 1.5)):  # late: past a working day whatever the weekday
        handling.assignment_sign(case.pk, actor=lead)
    if story.outcome == "overdue":
        return
    resolve_at = (case.handle_due_at - start).total_seconds() / 3600 + (48 if late else -20)
    with clock.frozen_at(at(max(resolve_at, 3))):
        case = handling.case_resolve(case.pk, actor=lead, text="已现场处置，当事人认可")
    if story.outcome == "default":
        # The reporter said nothing within the window: the system closes it.
        with clock.frozen_at(min(case.feedback_due_at + timedelta(hours=1), now - timedelta(minutes=1))):
            feedback.case_close_default(case.pk, feedback_due_at=case.feedback_due_at)
        return
    moment = case.resolved_at + timedelta(hours=20)
    if story.outcome == "rework":
        with clock.frozen_at(moment):
            feedback.case_feedback(case.pk, actor=reporter, result="dissatisfied", comment="问题没有解决")
        with clock.frozen_at(moment + timedelta(hours=22)):
            case = handling.case_resolve(case.pk, actor=lead, text="再次上门处置，问题已解决")
        moment = case.resolved_at + timedelta(hours=20)
    result = "basic" if story.outcome == "basic" else "satisfied"
    with clock.frozen_at(min(moment, now - timedelta(minutes=1))):
        feedback.case_feedback(case.pk, actor=reporter, result=result)
