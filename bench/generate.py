"""Load N cases that obey the lifecycle into a benchmark database, with bulk SQL.

    .venv/bin/python bench/generate.py --database gov_bench_dash --cases 1000000

Drops and recreates the named database (its name must contain "bench"), migrates it, writes the
district (12 stations, 4 stationed and 15 liaison departments at each, 10 grids per station,
8 categories with 3 sub-categories each, the users the rows name), then N cases reported over
the three years up to now, with INSERT … SELECT over generate_series, in these steps:

1. a plan table: one row per case with its random draws and the moments of its life — reported,
   accepted (½–3 h), dispatched (10 min–2 h), signed (0–30 h: a fifth late), resolved (mostly
   within the 7 days allowed, some late, 1 % stuck), feedback (满意/基本满意, or 逾期默认满意 after
   4 days); 4 % rejected, 2 % merged; 3 % returned by a first department and re-dispatched;
   5 % reworked once after a 不满意; a fifth handled jointly with a co-department;
2. the state each case has reached now, from those moments;
3. cases, parties, assignments (returned, lead, co), return requests, feedback, events
   (report, accept, dispatch, sign, return, resolve, feedback/close, reject, merge),
   supervisions (超期 on each handling deadline missed) and notices (the dispatch to the lead's
   handler, the resolution to the grid worker);
4. the dashboard's rollup rebuilt (no trigger fires during the load: ``session_replication_role``
   is ``replica`` for it, so neither the rollup's triggers nor the foreign keys' checks run; the
   rows are consistent by construction), then ANALYZE.
"""

import argparse
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, database_url, setup_django

STATIONS = ["振兴", "和兴", "东山", "西湖", "南塘", "北苑", "青石", "白沙", "金桥", "银湖", "桃源", "柳岸"]
STATIONED = [
    ("police", "公安分局"),
    ("enforcement", "综合行政执法局"),
    ("market", "市场监管局"),
    ("mediation", "人民调解委员会"),
]
LIAISON = [
    ("hrss", "人力社保局"),
    ("construction", "建设交通局"),
    ("social", "社会发展局"),
    ("emergency", "应急管理局"),
    ("civil", "民政局"),
    ("water", "水利局"),
    ("environment", "生态环境分局"),
    ("education", "教育局"),
    ("health", "卫生健康局"),
    ("housing", "住房保障中心"),
    ("agriculture", "农业农村局"),
    ("transport", "交通运输局"),
    ("culture", "文化旅游局"),
    ("tax", "税务分局"),
    ("petition", "信访局"),
]
CATEGORIES = [
    ("neighbour", "邻里纠纷", "mediation", ["噪音扰民", "漏水渗水", "空调外机"]),
    ("labour", "劳资纠纷", "hrss", ["拖欠工资", "工伤赔偿", "劳动合同"]),
    ("consumer", "消费纠纷", "market", ["预付卡退款", "产品质量", "虚假宣传"]),
    ("building", "违章建筑", "enforcement", ["违章搭建", "占道经营", "户外广告"]),
    ("safety", "安全隐患", "emergency", ["消防通道", "燃气隐患", "危房"]),
    ("security", "治安问题", "police", ["打架斗殴", "噪音夜宵", "可疑人员"]),
    ("property", "物业纠纷", "housing", ["物业收费", "停车管理", "电梯故障"]),
    ("environment", "环境污染", "environment", ["油烟污染", "污水排放", "垃圾堆放"]),
]


def reset_database(name: str) -> None:
    import psycopg2

    if "bench" not in name:
        raise SystemExit("the benchmark database's name must contain 'bench' (it is dropped first)")
    admin = psycopg2.connect(database_url("postgres"))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    env = {"DATABASE_URL": database_url(name), "DEBUG": "true", "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "--no-input", "-v0"], check=True, env=env)


def district() -> None:
    """The reference rows, through the ORM (a few hundred)."""
    from cases.models import Category, Clarity
    from workstation.models import Department, Grid, Membership, Role, StationDepartment, User, Workstation

    departments = {code: Department.objects.create(code=code, name=name) for code, name in [*STATIONED, *LIAISON]}
    users = []
    for i, name in enumerate(STATIONS):
        station = Workstation.objects.create(code="B" + chr(ord("A") + i), name=f"{name}基层治理联动工作站")
        chief = User.objects.create(username=f"bench_chief_{i}", display_name=f"{name}站长")
        Membership.objects.create(user=chief, role=Role.CHIEF, station=station)
        for code, department in departments.items():
            presence = "stationed" if code in dict(STATIONED) else "liaison"
            StationDepartment.objects.create(station=station, department=department, presence=presence)
        for g in range(10):
            grid = Grid.objects.create(
                station=station,
                code=f"G{g + 1:02d}",
                name=f"{name}第{g + 1}网格",
                center_latitude=30.0 + i * 0.05 + g * 0.004,
                center_longitude=120.0 + i * 0.05 + g * 0.004,
            )
            worker = User.objects.create(username=f"bench_grid_{i}_{g}", display_name=f"{name}网格员{g + 1}")
            Membership.objects.create(user=worker, role=Role.GRID_WORKER, station=station).grids.add(grid)
            users.append(worker)
    for code, department in departments.items():
        handler = User.objects.create(username=f"bench_{code}", display_name=f"{department.name}经办人")
        Membership.objects.create(
            user=handler, role=Role.HANDLER, station=Workstation.objects.first(), department=department
        )
    for code, name, owner, children in CATEGORIES:
        parent = Category.objects.create(code=f"b-{code}", name=name, owner=departments[owner], clarity=Clarity.CLEAR)
        for j, child in enumerate(children):
            Category.objects.create(
                code=f"b-{code}-{j}", name=child, parent=parent, owner=departments[owner], clarity=Clarity.CLEAR
            )


PLAN = """
CREATE UNLOGGED TABLE bench_grid AS
    SELECT row_number() OVER (ORDER BY g.id) AS idx, g.id AS grid_id, g.station_id, s.code AS station_code,
           g.center_latitude AS lat, g.center_longitude AS lon,
           (SELECT m.user_id FROM workstation_membership_grids mg
            JOIN workstation_membership m ON m.id = mg.membership_id WHERE mg.grid_id = g.id LIMIT 1) AS worker_id,
           (SELECT m.user_id FROM workstation_membership m WHERE m.station_id = g.station_id AND m.role = 'chief'
            LIMIT 1) AS chief_id
    FROM workstation_grid g JOIN workstation_workstation s ON s.id = g.station_id;
CREATE UNLOGGED TABLE bench_category AS
    SELECT row_number() OVER (ORDER BY c.id) AS idx, c.id AS category_id, c.owner_id
    FROM cases_category c WHERE c.parent_id IS NOT NULL;
CREATE UNLOGGED TABLE bench_department AS
    SELECT row_number() OVER (ORDER BY d.id) AS idx, d.id AS department_id,
           (SELECT m.user_id FROM workstation_membership m WHERE m.department_id = d.id LIMIT 1) AS handler_id
    FROM workstation_department d WHERE d.code IN ('police', 'enforcement', 'market', 'mediation');
CREATE UNLOGGED TABLE bench_handler AS
    SELECT m.department_id, min(m.user_id) AS user_id FROM workstation_membership m
    WHERE m.department_id IS NOT NULL GROUP BY m.department_id;

CREATE UNLOGGED TABLE bench_draw AS
    SELECT g AS id, random() AS u_kind, random() AS u_grid, random() AS u_cat, random() AS u_src, random() AS u_co,
           random() AS u_co_dept, random() AS u_ret, random() AS u_ret_dept, random() AS u_rw, random() AS u_stuck,
           random() AS u_fb, random() AS u_urg,
           now() - random() * interval '1096 days' AS reported_at,
           interval '30 minutes' + random() * interval '150 minutes' AS accept_delay,
           interval '10 minutes' + random() * interval '110 minutes' AS dispatch_delay,
           random() * interval '30 hours' AS sign_delay,
           interval '2 hours' + random() * random() * interval '12 days' AS resolve_delay,
           random() * interval '5 days' AS feedback_delay
    FROM generate_series(1, %(n)s) g;

CREATE UNLOGGED TABLE bench_plan AS
WITH p AS (
    SELECT d.*, gr.grid_id, gr.station_id, gr.station_code, gr.lat, gr.lon, gr.worker_id, gr.chief_id,
           c.category_id, c.owner_id AS lead_id,
           CASE WHEN d.u_co < 0.2 THEN co.department_id END AS co_id,
           CASE WHEN d.u_src < 0.5 THEN 'grid' WHEN d.u_src < 0.65 THEN '110' WHEN d.u_src < 0.85 THEN '12345'
                WHEN d.u_src < 0.93 THEN 'four-platforms' WHEN d.u_src < 0.99 THEN 'walk_in' ELSE 'leader' END
               AS source,
           CASE WHEN d.u_kind < 0.04 THEN 'rejected' WHEN d.u_kind < 0.06 AND d.id > 1 THEN 'merged' ELSE 'normal' END
               AS kind,
           d.reported_at + d.accept_delay AS accepted_at,
           d.reported_at + d.accept_delay + d.dispatch_delay AS dispatched_at,
           d.u_ret < 0.03 AND d.reported_at < now() - interval '2 days' AS returned,
           ret.department_id AS return_dept
    FROM bench_draw d
    JOIN bench_grid gr ON gr.idx = 1 + floor(d.u_grid * (SELECT count(*) FROM bench_grid))::int
    JOIN bench_category c ON c.idx = 1 + floor(d.u_cat * (SELECT count(*) FROM bench_category))::int
    JOIN bench_department co ON co.idx = 1 + floor(d.u_co_dept * (SELECT count(*) FROM bench_department))::int
    JOIN bench_department ret ON ret.idx = 1 + floor(d.u_ret_dept * (SELECT count(*) FROM bench_department))::int
), q AS (
    SELECT p.*,
           CASE WHEN p.returned THEN p.dispatched_at + interval '4 hours' ELSE p.dispatched_at END AS lead_at
    FROM p
), r AS (
    SELECT q.*, q.lead_at + q.sign_delay AS sign_at,
           q.lead_at + q.sign_delay + q.resolve_delay AS first_resolved_at
    FROM q
), s AS (
    SELECT r.*,
           r.u_rw < 0.05 AND r.first_resolved_at + interval '1 day' + r.resolve_delay / 2 < now() AS reworked,
           r.first_resolved_at + interval '1 day' AS rework_at
    FROM r
), t AS (
    SELECT s.*,
           CASE WHEN s.u_stuck < 0.01 THEN NULL
                WHEN s.reworked THEN s.rework_at + s.resolve_delay / 2 ELSE s.first_resolved_at END AS resolved_at,
           CASE WHEN s.reworked THEN s.rework_at + interval '7 days' ELSE s.dispatched_at + interval '7 days' END
               AS handle_due_at
    FROM s
)
SELECT t.*,
       t.resolved_at + LEAST(t.feedback_delay, interval '4 days') AS closed_at,
       CASE WHEN t.feedback_delay > interval '4 days' THEN 'default' WHEN t.u_fb < 0.75 THEN 'satisfied'
            ELSE 'basic' END AS final_result,
       CASE WHEN t.kind = 'rejected' THEN 'rejected'
            WHEN t.kind = 'merged' THEN 'merged'
            WHEN now() < t.accepted_at THEN 'reported'
            WHEN now() < t.dispatched_at THEN 'accepted'
            WHEN now() < t.sign_at THEN 'dispatched'
            WHEN t.resolved_at IS NULL OR now() < t.resolved_at THEN 'in_progress'
            WHEN now() < t.resolved_at + LEAST(t.feedback_delay, interval '4 days') THEN 'resolved'
            ELSE 'closed' END AS status
FROM t;
CREATE INDEX ON bench_plan (id);
ANALYZE bench_plan;
"""

LOAD = """
INSERT INTO cases_case (
    id, number, source, urgency, title, description, address, latitude, longitude, status, reporter_name,
    reporter_phone, dispatch_mode, reject_reason, reported_at, accepted_at, dispatched_at, resolved_at,
    closed_at, accept_due_at, handle_due_at, handle_started_at, feedback_due_at, ladder, rework_count,
    satisfaction, created_at, updated_at, duplicate_of_id, grid_id, lead_department_id, reporter_id,
    station_id, category_id, reporter_confidential)
SELECT p.id,
       p.station_code || '-' || to_char(p.reported_at AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || '-'
           || lpad(p.id::text, 7, '0'),
       p.source, CASE WHEN p.u_urg < 0.9 THEN 'normal' WHEN p.u_urg < 0.98 THEN 'urgent' ELSE 'major' END,
       t.title, t.title || '，' || (ARRAY['居民多次反映，请尽快处理。', '已持续一周，双方协商未果。',
           '网格员现场核实情况属实。', '涉及多户居民，情绪较大。', '当事人要求相关部门介入。',
           '已拍照取证，请派单处置。'])[1 + (p.id * 7) %% 6],
       (ARRAY['紫金凰小区', '金桥花园', '银湖苑', '桃源新村', '柳岸公寓', '青石家园', '白沙小区', '南塘新苑',
           '北苑小区', '东山花园', '西湖人家', '振兴小区', '和兴苑', '翠竹园', '梧桐里', '锦绣华庭', '阳光城',
           '幸福里', '康乐新村', '丰收小区', '学府雅苑', '香樟园', '钱塘人家', '滨江花园', '望江苑', '凤凰小区',
           '龙湖郡', '春晓苑', '秋水苑', '明珠花园', '清风苑', '朝阳新村', '新华坊', '永安小区', '万家花园',
           '绿洲花园', '长河苑', '星光公寓', '月湖山庄', '文澜苑'])[1 + (p.id * 11) %% 40]
           || (1 + p.id %% 30) || '幢' || (1 + p.id %% 4) || '单元' || (100 * (1 + (p.id / 7) %% 18) + 1 + p.id %% 3)
           || '室',
       round((p.lat + (random() - 0.5) * 0.01)::numeric, 6), round((p.lon + (random() - 0.5) * 0.01)::numeric, 6),
       p.status, '', '',
       CASE WHEN p.status IN ('dispatched', 'in_progress', 'resolved', 'closed')
            THEN CASE WHEN p.co_id IS NOT NULL AND p.co_id <> p.lead_id THEN 'joint' ELSE 'solo' END ELSE '' END,
       CASE WHEN p.status = 'rejected' THEN '非本站辖区事项' ELSE '' END,
       p.reported_at,
       CASE WHEN p.status NOT IN ('reported', 'rejected', 'merged') THEN p.accepted_at END,
       CASE WHEN p.status IN ('dispatched', 'in_progress', 'resolved', 'closed') THEN p.dispatched_at END,
       CASE WHEN p.status IN ('resolved', 'closed') THEN p.resolved_at END,
       CASE WHEN p.status = 'closed' THEN p.closed_at
            WHEN p.status IN ('rejected', 'merged') THEN p.reported_at + p.accept_delay END,
       p.reported_at + interval '2 hours',
       CASE WHEN p.status IN ('dispatched', 'in_progress', 'resolved', 'closed') THEN p.handle_due_at END,
       CASE WHEN p.status IN ('dispatched', 'in_progress', 'resolved', 'closed')
            THEN CASE WHEN p.reworked THEN p.rework_at ELSE p.dispatched_at END END,
       CASE WHEN p.status IN ('resolved', 'closed') THEN p.resolved_at + interval '4 days' END,
       CASE WHEN p.status IN ('dispatched', 'in_progress') AND p.handle_due_at < now() THEN 'red' ELSE 'none' END,
       CASE WHEN p.reworked AND p.status IN ('resolved', 'closed') THEN 1 ELSE 0 END,
       CASE WHEN p.status = 'closed' THEN p.final_result ELSE '' END,
       p.reported_at, now(),
       CASE WHEN p.status = 'merged' THEN p.id - 1 END,
       p.grid_id,
       CASE WHEN p.status IN ('dispatched', 'in_progress', 'resolved', 'closed') THEN p.lead_id END,
       CASE WHEN p.source = 'grid' THEN p.worker_id END,
       p.station_id, p.category_id, false
FROM bench_plan p
CROSS JOIN LATERAL (SELECT (ARRAY['楼上深夜噪音扰民', '装修噪音影响休息', '空调外机噪音扰民', '空调外机滴水',
    '楼上漏水渗到楼下', '卫生间漏水纠纷', '楼道堆放杂物', '电动车楼道充电', '电线老化有漏电隐患', '占道经营',
    '店铺油烟扰民', '拖欠工资', '工伤赔偿纠纷', '劳动合同纠纷', '垃圾清运不及时', '违章搭建', '停车位纠纷',
    '宠物狗扰民', '小区路灯不亮', '井盖缺失', '燃气管道异味', '河道漂浮垃圾', '物业费纠纷', '租房押金纠纷',
    '广场舞噪音', '建筑工地夜间施工', '消防通道堵塞', '流浪犬伤人隐患', '高空抛物', '下水道堵塞'
    ])[1 + (p.id * 17 + p.id / 30) %% 30] AS title) t
ORDER BY p.id;
SELECT setval(pg_get_serial_sequence('cases_case', 'id'), (SELECT max(id) FROM cases_case));

INSERT INTO cases_party (case_id, role, name, phone, id_number, address, organization)
SELECT p.id, 'complainant',
       (ARRAY['张', '王', '李', '赵', '刘', '陈', '杨', '黄', '周', '吴', '欧阳'])[1 + p.id %% 11]
           || (ARRAY['伟', '芳', '娜', '敏', '静', '强', '磊', '军', '洋', '勇', '秀英', '建国'])
              [1 + (p.id / 11) %% 12],
       '139' || lpad((p.id %% 100000000)::text, 8, '0'), '', '', ''
FROM bench_plan p;

-- A returned first assignment, its approved return request.
INSERT INTO cases_assignment (case_id, department_id, role, status, dispatched_at, sign_due_at, signed_at,
                              signed_by_id, handle_due_at, part_text, finished_at)
SELECT p.id, p.return_dept, 'lead', 'returned', p.dispatched_at, p.dispatched_at + interval '1 day',
       p.dispatched_at + interval '1 hour', h.user_id, p.handle_due_at, '', p.dispatched_at + interval '3 hours'
FROM bench_plan p JOIN bench_handler h ON h.department_id = p.return_dept
WHERE p.returned AND p.status IN ('dispatched', 'in_progress', 'resolved', 'closed');
INSERT INTO cases_returnrequest (case_id, assignment_id, reason, status, requested_by_id, requested_at,
                                 decided_by_id, decided_at, decision_note)
SELECT a.case_id, a.id, '不属本部门职责', 'approved', a.signed_by_id, a.dispatched_at + interval '2 hours',
       p.chief_id, a.finished_at, ''
FROM cases_assignment a JOIN bench_plan p ON p.id = a.case_id WHERE a.status = 'returned';

-- The lead's assignment, and a co-department's for a joint case.
INSERT INTO cases_assignment (case_id, department_id, role, status, dispatched_at, sign_due_at, signed_at,
                              signed_by_id, handle_due_at, part_text, finished_at)
SELECT p.id, p.lead_id, 'lead',
       CASE p.status WHEN 'dispatched' THEN 'pending' WHEN 'in_progress' THEN 'signed' ELSE 'done' END,
       p.lead_at, p.lead_at + interval '1 day',
       CASE WHEN p.status <> 'dispatched' THEN p.sign_at END,
       CASE WHEN p.status <> 'dispatched' THEN h.user_id END,
       p.handle_due_at, '',
       CASE WHEN p.status IN ('resolved', 'closed') THEN p.resolved_at END
FROM bench_plan p JOIN bench_handler h ON h.department_id = p.lead_id
WHERE p.status IN ('dispatched', 'in_progress', 'resolved', 'closed');
INSERT INTO cases_assignment (case_id, department_id, role, status, dispatched_at, sign_due_at, signed_at,
                              signed_by_id, handle_due_at, part_text, part_recorded_at, finished_at)
SELECT p.id, p.co_id, 'co',
       CASE WHEN p.status = 'dispatched' THEN 'pending' WHEN p.status = 'in_progress' THEN 'signed'
            ELSE 'part_done' END,
       p.lead_at, p.lead_at + interval '1 day',
       CASE WHEN p.status <> 'dispatched' THEN p.lead_at + p.sign_delay / 2 END,
       CASE WHEN p.status <> 'dispatched' THEN h.user_id END,
       p.handle_due_at,
       CASE WHEN p.status IN ('resolved', 'closed') THEN '已配合处置' ELSE '' END,
       CASE WHEN p.status IN ('resolved', 'closed') THEN p.resolved_at - interval '1 hour' END,
       CASE WHEN p.status IN ('resolved', 'closed') THEN p.resolved_at - interval '1 hour' END
FROM bench_plan p JOIN bench_handler h ON h.department_id = p.co_id
WHERE p.status IN ('dispatched', 'in_progress', 'resolved', 'closed') AND p.co_id IS NOT NULL
  AND p.co_id <> p.lead_id;

-- Feedback: the 不满意 that brought a rework, and the verdict that closed the case.
INSERT INTO cases_feedback (case_id, result, comment, given_by_id, created_at)
SELECT p.id, 'dissatisfied', '问题仍未解决', p.worker_id, p.rework_at
FROM bench_plan p WHERE p.reworked AND p.status IN ('resolved', 'closed');
INSERT INTO cases_feedback (case_id, result, comment, given_by_id, created_at)
SELECT p.id, p.final_result, '', CASE WHEN p.final_result <> 'default' THEN p.worker_id END, p.closed_at
FROM bench_plan p WHERE p.status = 'closed';

-- 超期 on each handling deadline that passed unresolved.
INSERT INTO cases_supervision (case_id, deadline, due_at, level, message, created_at, response)
SELECT p.id, 'handle', p.handle_due_at, 'red', '', p.handle_due_at, ''
FROM bench_plan p
WHERE p.status IN ('dispatched', 'in_progress', 'resolved', 'closed')
  AND p.handle_due_at < LEAST(coalesce(p.resolved_at, now()), now());

-- Notices: the lead's handler told of the dispatch (read once signed), the grid worker told
-- of the resolution (read when they gave feedback).
INSERT INTO cases_notification (recipient_id, case_id, kind, params, title, body, created_at, read_at)
SELECT h.user_id, p.id, 'dispatched', '{}'::jsonb, '新派单待签收', '', p.lead_at,
       CASE WHEN p.status <> 'dispatched' THEN p.sign_at END
FROM bench_plan p JOIN bench_handler h ON h.department_id = p.lead_id
WHERE p.status IN ('dispatched', 'in_progress', 'resolved', 'closed');
INSERT INTO cases_notification (recipient_id, case_id, kind, params, title, body, created_at, read_at)
SELECT p.worker_id, p.id, 'resolved', '{}'::jsonb, '事件已办结，请核查反馈', '', p.resolved_at,
       CASE WHEN p.status = 'closed' AND p.final_result <> 'default' THEN p.closed_at END
FROM bench_plan p WHERE p.status IN ('resolved', 'closed');

-- The audit trail.
INSERT INTO cases_caseevent (case_id, actor_id, action, from_status, to_status, reason, payload, created_at)
SELECT p.id, e.actor, e.action, e.from_status, e.to_status, '', '{}'::jsonb, e.at
FROM bench_plan p
CROSS JOIN LATERAL (VALUES
    ('report', '', 'reported', p.worker_id, p.reported_at, true),
    ('reject', 'reported', 'rejected', p.chief_id, p.reported_at + p.accept_delay, p.status = 'rejected'),
    ('merge', 'reported', 'merged', p.chief_id, p.reported_at + p.accept_delay, p.status = 'merged'),
    ('accept', 'reported', 'accepted', p.chief_id, p.accepted_at,
        p.status NOT IN ('reported', 'rejected', 'merged')),
    ('dispatch', 'accepted', 'dispatched', p.chief_id, p.dispatched_at,
        p.status IN ('dispatched', 'in_progress', 'resolved', 'closed')),
    ('decide_return', 'dispatched', 'accepted', p.chief_id, p.dispatched_at + interval '3 hours',
        p.returned AND p.status IN ('dispatched', 'in_progress', 'resolved', 'closed')),
    ('dispatch', 'accepted', 'dispatched', p.chief_id, p.lead_at,
        p.returned AND p.status IN ('dispatched', 'in_progress', 'resolved', 'closed')),
    ('sign', 'dispatched', 'in_progress', NULL, p.sign_at, p.status IN ('in_progress', 'resolved', 'closed')),
    ('feedback', 'resolved', 'in_progress', p.worker_id, p.rework_at,
        p.reworked AND p.status IN ('resolved', 'closed')),
    ('resolve', 'in_progress', 'resolved', NULL, p.resolved_at, p.status IN ('resolved', 'closed')),
    ('feedback', 'resolved', 'closed', p.worker_id, p.closed_at, p.status = 'closed' AND p.final_result <> 'default'),
    ('close_default', 'resolved', 'closed', NULL, p.closed_at, p.status = 'closed' AND p.final_result = 'default')
) AS e(action, from_status, to_status, actor, at, happened)
WHERE e.happened;
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="gov_bench_dash")
    parser.add_argument("--cases", type=int, default=100_000)
    args = parser.parse_args()

    started = time.monotonic()
    reset_database(args.database)
    print(f"database {args.database} created and migrated in {time.monotonic() - started:.0f} s", flush=True)
    setup_django(args.database)
    from django.db import connection, transaction

    from dashboard import rollup

    district()
    step = time.monotonic()
    with transaction.atomic(), connection.cursor() as cursor:
        # The rows are consistent by construction: no trigger fires during the load, neither
        # the rollup's (rebuilt after) nor the foreign keys' checks (millions of queued events).
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(PLAN, {"n": args.cases})
        print(f"plan of {args.cases} cases in {time.monotonic() - step:.0f} s", flush=True)
        step = time.monotonic()
        cursor.execute(LOAD, {})  # {}: the %% in the SQL are escapes
        print(f"cases and their rows loaded in {time.monotonic() - step:.0f} s", flush=True)
        cursor.execute("DROP TABLE bench_plan, bench_draw, bench_grid, bench_category, bench_department, bench_handler")
    step = time.monotonic()
    rows = rollup.rebuild()
    print(f"rollup rebuilt ({rows} rows) in {time.monotonic() - step:.0f} s", flush=True)
    connection.cursor().execute("ANALYZE")
    with connection.cursor() as cursor:
        cursor.execute("SELECT status, count(*) FROM cases_case GROUP BY status ORDER BY 2 DESC")
        print("cases by status:", ", ".join(f"{status} {n}" for status, n in cursor.fetchall()))
        for table in (
            "cases_assignment",
            "cases_caseevent",
            "cases_feedback",
            "cases_supervision",
            "cases_notification",
        ):
            cursor.execute(f"SELECT count(*) FROM {table}")
            print(f"{table}: {cursor.fetchone()[0]}")
    print(f"done in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
