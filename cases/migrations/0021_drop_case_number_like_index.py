"""Drop the pattern index PostgreSQL's backend adds beside the unique index of ``cases_case.number``
(``varchar_pattern_ops``, for ``LIKE 'prefix%'``): nothing asks for a number's prefix (the search
is a substring match served by the gram index, the lookups are by whole number), and at 1,000,000
cases it is 39 MB that every filing writes to and no query read (``bench.indexes``).
"""

from django.db import migrations

INDEX = "cases_case_number_980c9551_like"


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


def create(apps, schema_editor):
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON cases_case (number varchar_pattern_ops)")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0020_case_search_gram_stats"),
    ]

    operations = [
        migrations.RunPython(drop, create, elidable=False),
    ]
