"""Triggers keep the rollup exact as cases change (dashboard.rollup)."""

from django.conf import settings
from django.db import migrations


def create(apps, schema_editor):
    from dashboard.rollup import create_sql

    schema_editor.execute(create_sql(settings.TIME_ZONE))
    # The rows of cases that existed before: 0003 rebuilds them.


def drop(apps, schema_editor):
    from dashboard.rollup import DROP_SQL

    schema_editor.execute(DROP_SQL)


class Migration(migrations.Migration):
    dependencies = [("dashboard", "0001_tally"), ("cases", "0011_case_idempotency_key")]

    operations = [migrations.RunPython(create, drop)]
