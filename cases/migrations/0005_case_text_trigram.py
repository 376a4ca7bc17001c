"""Trigram search over a report's text, for duplicate suggestions (cases.selectors.CASE_TEXT).

pg_trgm and a GIN index over ``title || ' ' || description`` — the very expression the selector
queries, or the planner would not use the index. Going back drops the index but keeps the
extension, which other objects of the database may use.
"""

from django.db import migrations

INDEX = "cases_case_text_trgm"


def create_index(apps, schema_editor):
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX {INDEX} ON cases_case USING gin ((title || ' ' || description) gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_supervision_ladder"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
