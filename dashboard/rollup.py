"""The SQL that keeps :class:`dashboard.models.Tally` exact on PostgreSQL.

Every fact of :mod:`dashboard.counting` comes from exactly one row (a case, an assignment, an
approved return request, a feedback) and the dimensions of its case. So:

- a trigger on a case appends the case's whole contribution (its own facts and its rows')
  negated for the OLD row and as is for the NEW row: a change of category, grid, station or lead
  department moves its rows' facts with it;
- a trigger on an assignment, return request or feedback appends the OLD row's facts negated
  and the NEW row's facts, with its case's dimensions as they stand.

Row-level AFTER triggers, each computing from its OLD and NEW row alone, stay exact when one
statement changes many rows; appending (no UPDATE of a shared row) means two transitions never
lock each other. Each fact is counted twice: in its day's row and in its month's (dimension
``m.<dim>``, day = the first of the month), so that a year reads twelve rows per key, not 365.
``rebuild()`` recomputes the table from the case tables (after a bulk load with
triggers off); ``compact()`` folds the appended rows into one per key.
"""

from django.conf import settings
from django.db import connection, transaction

# Must follow dashboard.counting.Counts (the tests compare the two).
FIELDS = (
    "intake",
    "dispatched",
    "done",
    "resolved",
    "reworked",
    "overdue",
    "due",
    "due_met",
    "assigned",
    "returned",
    "sign_due",
    "sign_met",
    "fb_satisfied",
    "fb_basic",
    "fb_dissatisfied",
    "fb_default",
)


def _vec(**values: str) -> str:
    unknown = set(values) - set(FIELDS)
    assert not unknown, unknown  # noqa: S101 - a typo here is a bug in this module
    return "ARRAY[" + ", ".join(f"({values[name]})::int" if name in values else "0" for name in FIELDS) + "]"


def create_sql(tz: str) -> str:
    sums = ",\n        ".join(f"sign * sum(r.v[{i}])" for i in range(1, len(FIELDS) + 1))
    columns = ", ".join(FIELDS)
    # Only this module's constants are formatted in: no input reaches the SQL.
    return f"""
DROP TYPE IF EXISTS dashboard_raw CASCADE;
CREATE TYPE dashboard_raw AS (moment timestamptz, department_id bigint, v int[]);

CREATE FUNCTION dashboard_assignment_raws(a cases_assignment) RETURNS dashboard_raw[]
LANGUAGE sql STABLE AS $$
    SELECT ARRAY[ROW(a.dispatched_at, a.department_id, {_vec(assigned="1")})::dashboard_raw]
        || CASE WHEN a.sign_due_at IS NOT NULL AND NOT (a.status = 'cancelled' AND a.signed_at IS NULL)
           THEN ARRAY[ROW(a.sign_due_at, a.department_id,
                {_vec(sign_due="1", sign_met="a.signed_at IS NOT NULL AND a.signed_at <= a.sign_due_at")}
                )::dashboard_raw]
           ELSE ARRAY[]::dashboard_raw[] END
$$;

CREATE FUNCTION dashboard_return_raws(r cases_returnrequest) RETURNS dashboard_raw[]
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN r.status = 'approved' AND r.decided_at IS NOT NULL
        THEN ARRAY[ROW(r.decided_at, (SELECT a.department_id FROM cases_assignment a WHERE a.id = r.assignment_id),
                       {_vec(returned="1")})::dashboard_raw]
        ELSE ARRAY[]::dashboard_raw[] END
$$;

CREATE FUNCTION dashboard_feedback_raws(f cases_feedback, lead bigint) RETURNS dashboard_raw[]
LANGUAGE sql STABLE AS $$
    SELECT ARRAY[ROW(f.created_at, lead, {
        _vec(
            fb_satisfied="f.result = 'satisfied'",
            fb_basic="f.result = 'basic'",
            fb_dissatisfied="f.result = 'dissatisfied'",
            fb_default="f.result = 'default'",
        )
    })::dashboard_raw]
$$;

-- A case's own facts (intake, the dispatch cohort, the handling due), without its rows'.
CREATE FUNCTION dashboard_case_own_raws(c cases_case) RETURNS dashboard_raw[]
LANGUAGE sql STABLE AS $$
    SELECT ARRAY[ROW(c.reported_at, c.lead_department_id, {_vec(intake="1")})::dashboard_raw]
        || CASE WHEN c.dispatched_at IS NOT NULL THEN ARRAY[ROW(c.dispatched_at, c.lead_department_id, {
        _vec(
            dispatched="1",
            done="c.status IN ('resolved', 'closed')",
            resolved="c.status IN ('resolved', 'closed') OR c.rework_count > 0",
            reworked="c.rework_count > 0",
        )
    })::dashboard_raw] ELSE ARRAY[]::dashboard_raw[] END
        || CASE WHEN c.handle_due_at IS NOT NULL THEN ARRAY[ROW(c.handle_due_at, c.lead_department_id, {
        _vec(due="1", due_met="c.resolved_at IS NOT NULL AND c.resolved_at <= c.handle_due_at")
    })::dashboard_raw] ELSE ARRAY[]::dashboard_raw[] END
$$;

CREATE FUNCTION dashboard_case_raws(c cases_case) RETURNS dashboard_raw[]
LANGUAGE sql STABLE AS $$
    SELECT dashboard_case_own_raws(c)
        || coalesce((SELECT array_agg(x) FROM cases_assignment a, unnest(dashboard_assignment_raws(a)) x
                     WHERE a.case_id = c.id), ARRAY[]::dashboard_raw[])
        || coalesce((SELECT array_agg(x) FROM cases_returnrequest r, unnest(dashboard_return_raws(r)) x
                     WHERE r.case_id = c.id), ARRAY[]::dashboard_raw[])
        || coalesce((SELECT array_agg(x) FROM cases_feedback f,
                            unnest(dashboard_feedback_raws(f, c.lead_department_id)) x
                     WHERE f.case_id = c.id), ARRAY[]::dashboard_raw[])
$$;

-- Append the facts ``raws`` of case ``c`` (its dimensions), times ``sign``.
CREATE FUNCTION dashboard_tally_put(c cases_case, raws dashboard_raw[], sign int) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO dashboard_tally (day, station_id, dim, key, {columns})
    SELECT g.day, c.station_id, g.prefix || d.dim, d.key,
        {sums}
    FROM unnest(raws) r
    CROSS JOIN LATERAL (VALUES ('all', ''), ('department', coalesce(r.department_id::text, '')),
        ('category', coalesce(c.category_id::text, '')), ('source', c.source),
        ('grid', coalesce(c.grid_id::text, ''))) AS d(dim, key)
    CROSS JOIN LATERAL (VALUES ('', (r.moment AT TIME ZONE '{tz}')::date),
        ('m.', date_trunc('month', r.moment AT TIME ZONE '{tz}')::date)) AS g(prefix, day)
    WHERE r.moment IS NOT NULL
    GROUP BY 1, 2, 3, 4
$$;

CREATE FUNCTION dashboard_tally_case() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM dashboard_tally_put(OLD, dashboard_case_raws(OLD), -1);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        PERFORM dashboard_tally_put(NEW, dashboard_case_raws(NEW), 1);
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION dashboard_tally_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    c cases_case;
    old_raws dashboard_raw[] := ARRAY[]::dashboard_raw[];
    new_raws dashboard_raw[] := ARRAY[]::dashboard_raw[];
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        SELECT * INTO c FROM cases_case WHERE id = OLD.case_id;
        IF FOUND THEN
            IF TG_TABLE_NAME = 'cases_assignment' THEN old_raws := dashboard_assignment_raws(OLD);
            ELSIF TG_TABLE_NAME = 'cases_returnrequest' THEN old_raws := dashboard_return_raws(OLD);
            ELSE old_raws := dashboard_feedback_raws(OLD, c.lead_department_id);
            END IF;
            PERFORM dashboard_tally_put(c, old_raws, -1);
        END IF;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        SELECT * INTO c FROM cases_case WHERE id = NEW.case_id;
        IF FOUND THEN
            IF TG_TABLE_NAME = 'cases_assignment' THEN new_raws := dashboard_assignment_raws(NEW);
            ELSIF TG_TABLE_NAME = 'cases_returnrequest' THEN new_raws := dashboard_return_raws(NEW);
            ELSE new_raws := dashboard_feedback_raws(NEW, c.lead_department_id);
            END IF;
            PERFORM dashboard_tally_put(c, new_raws, 1);
        END IF;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER dashboard_tally_case_ins_del AFTER INSERT OR DELETE ON cases_case
    FOR EACH ROW EXECUTE FUNCTION dashboard_tally_case();
CREATE TRIGGER dashboard_tally_case_upd AFTER UPDATE ON cases_case
    FOR EACH ROW WHEN ((OLD.reported_at, OLD.dispatched_at, OLD.handle_due_at, OLD.resolved_at, OLD.status,
                        OLD.rework_count, OLD.lead_department_id, OLD.category_id, OLD.grid_id, OLD.source,
                        OLD.station_id)
                       IS DISTINCT FROM
                       (NEW.reported_at, NEW.dispatched_at, NEW.handle_due_at, NEW.resolved_at, NEW.status,
                        NEW.rework_count, NEW.lead_department_id, NEW.category_id, NEW.grid_id, NEW.source,
                        NEW.station_id))
    EXECUTE FUNCTION dashboard_tally_case();

CREATE TRIGGER dashboard_tally_assignment_ins_del AFTER INSERT OR DELETE ON cases_assignment
    FOR EACH ROW EXECUTE FUNCTION dashboard_tally_row();
CREATE TRIGGER dashboard_tally_assignment_upd AFTER UPDATE ON cases_assignment
    FOR EACH ROW WHEN ((OLD.case_id, OLD.department_id, OLD.dispatched_at, OLD.sign_due_at, OLD.signed_at, OLD.status)
                       IS DISTINCT FROM
                       (NEW.case_id, NEW.department_id, NEW.dispatched_at, NEW.sign_due_at, NEW.signed_at, NEW.status))
    EXECUTE FUNCTION dashboard_tally_row();

CREATE TRIGGER dashboard_tally_return_ins_del AFTER INSERT OR DELETE ON cases_returnrequest
    FOR EACH ROW EXECUTE FUNCTION dashboard_tally_row();
CREATE TRIGGER dashboard_tally_return_upd AFTER UPDATE ON cases_returnrequest
    FOR EACH ROW WHEN ((OLD.case_id, OLD.assignment_id, OLD.status, OLD.decided_at)
                       IS DISTINCT FROM (NEW.case_id, NEW.assignment_id, NEW.status, NEW.decided_at))
    EXECUTE FUNCTION dashboard_tally_row();

CREATE TRIGGER dashboard_tally_feedback_ins_del AFTER INSERT OR DELETE ON cases_feedback
    FOR EACH ROW EXECUTE FUNCTION dashboard_tally_row();
CREATE TRIGGER dashboard_tally_feedback_upd AFTER UPDATE ON cases_feedback
    FOR EACH ROW WHEN ((OLD.case_id, OLD.result, OLD.created_at)
                       IS DISTINCT FROM (NEW.case_id, NEW.result, NEW.created_at))
    EXECUTE FUNCTION dashboard_tally_row();
"""


TRIGGERS = [
    ("dashboard_tally_case_ins_del", "cases_case"),
    ("dashboard_tally_case_upd", "cases_case"),
    ("dashboard_tally_assignment_ins_del", "cases_assignment"),
    ("dashboard_tally_assignment_upd", "cases_assignment"),
    ("dashboard_tally_return_ins_del", "cases_returnrequest"),
    ("dashboard_tally_return_upd", "cases_returnrequest"),
    ("dashboard_tally_feedback_ins_del", "cases_feedback"),
    ("dashboard_tally_feedback_upd", "cases_feedback"),
]

DROP_SQL = (
    "".join(f"DROP TRIGGER IF EXISTS {name} ON {table};\n" for name, table in TRIGGERS)
    + """
DROP FUNCTION IF EXISTS dashboard_tally_row();
DROP FUNCTION IF EXISTS dashboard_tally_case();
DROP FUNCTION IF EXISTS dashboard_tally_put(cases_case, dashboard_raw[], int);
DROP FUNCTION IF EXISTS dashboard_case_raws(cases_case);
DROP FUNCTION IF EXISTS dashboard_case_own_raws(cases_case);
DROP FUNCTION IF EXISTS dashboard_feedback_raws(cases_feedback, bigint);
DROP FUNCTION IF EXISTS dashboard_return_raws(cases_returnrequest);
DROP FUNCTION IF EXISTS dashboard_assignment_raws(cases_assignment);
DROP TYPE IF EXISTS dashboard_raw;
"""
)


def in_use() -> bool:
    """Whether the measures read the rollup (``settings.DASHBOARD_ROLLUP``); the triggers keep it
    either way."""
    return settings.DASHBOARD_ROLLUP


def set_triggers(enabled: bool) -> None:
    """Turn the triggers off for a bulk load (then :func:`rebuild`) and on again."""
    verb = "ENABLE" if enabled else "DISABLE"
    with connection.cursor() as cursor:
        for name, table in TRIGGERS:
            cursor.execute(f"ALTER TABLE {table} {verb} TRIGGER {name}")


def rebuild() -> int:
    """Recompute the whole rollup from the case tables, in one transaction; returns its rows."""
    columns = ", ".join(FIELDS)
    sums_as = ", ".join(f"sum(r.v[{i}]) AS {name}" for i, name in enumerate(FIELDS, start=1))
    month_sums = ", ".join(f"sum({name})" for name in FIELDS)
    tz = settings.TIME_ZONE
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE dashboard_tally IN EXCLUSIVE MODE")
        cursor.execute("DELETE FROM dashboard_tally")
        # Set-based, the same functions as the triggers: every row's facts, with its case's keys.
        cursor.execute(
            f"""
            INSERT INTO dashboard_tally (day, station_id, dim, key, {columns})
            WITH raw AS (
                SELECT c.id AS case_id, x.moment, x.department_id, x.v
                FROM cases_case c, unnest(dashboard_case_own_raws(c)) x
                UNION ALL
                SELECT a.case_id, x.moment, x.department_id, x.v
                FROM cases_assignment a, unnest(dashboard_assignment_raws(a)) x
                UNION ALL
                SELECT r.case_id, x.moment, x.department_id, x.v
                FROM cases_returnrequest r, unnest(dashboard_return_raws(r)) x
                UNION ALL
                SELECT f.case_id, x.moment, x.department_id, x.v
                FROM cases_feedback f JOIN cases_case fc ON fc.id = f.case_id,
                     unnest(dashboard_feedback_raws(f, fc.lead_department_id)) x
            )
            , daily AS (
                SELECT (r.moment AT TIME ZONE %s)::date AS day, c.station_id, d.dim, d.key, {sums_as}
                FROM raw r JOIN cases_case c ON c.id = r.case_id
                CROSS JOIN LATERAL (VALUES ('all', ''), ('department', coalesce(r.department_id::text, '')),
                    ('category', coalesce(c.category_id::text, '')), ('source', c.source),
                    ('grid', coalesce(c.grid_id::text, ''))) AS d(dim, key)
                WHERE r.moment IS NOT NULL
                GROUP BY 1, 2, 3, 4
            )
            SELECT * FROM (
                SELECT day, station_id, dim, key, {columns} FROM daily
                UNION ALL
                SELECT date_trunc('month', day)::date, station_id, 'm.' || dim, key, {month_sums}
                FROM daily GROUP BY 1, 2, 3, 4
            ) AS both_grains
            ORDER BY dim, day, station_id  -- a dimension's rows together: fewer pages per read
            """,
            [tz],
        )
        rows = cursor.rowcount
        # Rows of one dimension and day range on few pages: a year's read touches hundreds, not
        # thousands. (CLUSTER locks the table; a rebuild does anyway.) Only the table's owner may
        # reorder it: ``manage.py dashboard_rollup --rebuild`` connects as the owner (README,
        # "Security"); the app role, which owns nothing, rebuilds the rows alone.
        cursor.execute("SELECT tableowner = current_user FROM pg_tables WHERE tablename = 'dashboard_tally'")
        if cursor.fetchone()[0]:
            cursor.execute("CLUSTER dashboard_tally USING tally_dim_day_station")
            cursor.execute("ANALYZE dashboard_tally")
        return rows


def compact() -> tuple[int, int]:
    """Fold the appended rows into one per (day, station, dim, key), dropping all-zero ones.
    One statement: rows appended meanwhile by other transactions are left for the next run."""
    columns = ", ".join(FIELDS)
    sums = ", ".join(f"sum({name})" for name in FIELDS)
    nonzero = " OR ".join(f"sum({name}) <> 0" for name in FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH gone AS (DELETE FROM dashboard_tally RETURNING day, station_id, dim, key, {columns}),
            folded AS (
                INSERT INTO dashboard_tally (day, station_id, dim, key, {columns})
                SELECT day, station_id, dim, key, {sums} FROM gone
                GROUP BY day, station_id, dim, key HAVING {nonzero}
                ORDER BY dim, day, station_id
                RETURNING 1
            )
            SELECT (SELECT count(*) FROM gone), (SELECT count(*) FROM folded)
            """
        )
        before, after = cursor.fetchone()
    return before, after
