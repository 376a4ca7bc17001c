"""The departments with an active assignment on a case, kept on the case itself
(``cases_case.active_departments``), in one GIN index with the station.

Why: a handler sees the cases of their station where their department holds an assignment that is
not returned or cancelled (cases.access). Asked as ``EXISTS`` over the assignments, PostgreSQL
cannot know that a department's cases and a category, a source or a due date go together, and
walks the whole date index probing assignments: at 1,000,000 cases a department's list filtered by
a category it rarely handles took 3.2 s, by urgency 90 ms, and its home page 250–340 ms. With the
set on the case, "station S and department D" is one condition on one GIN index holding also the
station and the columns most lists filter by, so a department's cases of a category are found in
the index, not by reading every case of the department (bench/RESULTS.md, issue 14).

Kept current by PostgreSQL on every write to an assignment, whoever writes (a trigger, as the
event log's guard is): the services need not remember it. The column is unknown to the Django
model on purpose, so a ``case.save()`` can never write back a stale copy; cases.access reads it
through a column expression.
"""

from django.db import migrations

FORWARD = r"""
CREATE EXTENSION IF NOT EXISTS btree_gin;

ALTER TABLE cases_case ADD COLUMN active_departments bigint[] NOT NULL DEFAULT '{}';

CREATE FUNCTION case_active_departments_refresh(case_id bigint) RETURNS void
LANGUAGE sql AS $$
    UPDATE cases_case AS c
    SET active_departments = fresh.ids
    FROM (
        SELECT ARRAY(
            SELECT DISTINCT a.department_id FROM cases_assignment a
            WHERE a.case_id = case_active_departments_refresh.case_id
              AND a.status NOT IN ('returned', 'cancelled')
            ORDER BY 1
        ) AS ids
    ) AS fresh
    WHERE c.id = case_active_departments_refresh.case_id AND c.active_departments IS DISTINCT FROM fresh.ids
$$;

CREATE FUNCTION case_active_departments_track() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM case_active_departments_refresh(OLD.case_id);
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.case_id <> OLD.case_id) THEN
        PERFORM case_active_departments_refresh(NEW.case_id);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER case_active_departments_track
    AFTER INSERT OR DELETE OR UPDATE OF case_id, department_id, status ON cases_assignment
    FOR EACH ROW EXECUTE FUNCTION case_active_departments_track();
"""

# Every case's set from its assignments: run once here, and by bench/generate.py after its bulk
# load (which writes with triggers off).
BACKFILL = """
UPDATE cases_case AS c
SET active_departments = d.ids
FROM (
    SELECT case_id, array_agg(DISTINCT department_id ORDER BY department_id) AS ids
    FROM cases_assignment WHERE status NOT IN ('returned', 'cancelled') GROUP BY case_id
) AS d
WHERE c.id = d.case_id AND c.active_departments IS DISTINCT FROM d.ids
"""

INDEX = """
-- The station and the department set with the columns a department's list is most often filtered
-- by, in one GIN index (btree_gin): PostgreSQL answers "station S, department D, category C" from
-- the index alone and reads only the matching cases.
CREATE INDEX case_department_scope ON cases_case
    USING gin (station_id, active_departments, category_id, source, urgency, lead_department_id);
"""

BACKWARD = r"""
DROP INDEX IF EXISTS case_department_scope;
DROP TRIGGER IF EXISTS case_active_departments_track ON cases_assignment;
DROP FUNCTION IF EXISTS case_active_departments_track();
DROP FUNCTION IF EXISTS case_active_departments_refresh(bigint);
ALTER TABLE cases_case DROP COLUMN IF EXISTS active_departments;
"""


def forward(apps, schema_editor):
    schema_editor.execute(FORWARD)
    schema_editor.execute(BACKFILL)
    schema_editor.execute(INDEX)


def backward(apps, schema_editor):
    schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0014_merge_privacy_mediation_search"),
    ]

    operations = [
        migrations.RunPython(forward, backward, elidable=False),
    ]
