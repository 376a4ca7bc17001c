"""The overdue count reads the open cases live (it changes with the clock, not with a row):
a partial index holds the dispatched cases not yet resolved, by dispatch time."""

from django.db import migrations

CREATE = """
CREATE INDEX IF NOT EXISTS dashboard_case_unresolved ON cases_case (dispatched_at)
WHERE status IN ('accepted', 'dispatched', 'in_progress') AND dispatched_at IS NOT NULL
"""


def create(apps, schema_editor):
    schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    schema_editor.execute("DROP INDEX IF EXISTS dashboard_case_unresolved")


class Migration(migrations.Migration):
    dependencies = [("dashboard", "0003_tally_months")]

    operations = [migrations.RunPython(create, drop)]
