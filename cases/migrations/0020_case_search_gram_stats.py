"""The frequencies of the search index's grams, readable by the app role (cases.search).

PostgreSQL keeps ANALYZE's statistics of the expression index ``case_search_grams`` (each
character and character pair, with the share of cases holding it) in ``pg_stats``, but shows them
only to the index's owner: the app role (governance.db_roles), which owns nothing, sees no row.
This function, owned by the migrating role and run with its rights, returns those two arrays and
nothing else (the app may read every case's text anyway). The search reads it once every few
minutes per process to tell a common term from a rare one.
"""

from django.db import migrations


def create(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = cursor.fetchone()[0]
    literal = "'" + schema.replace("'", "''") + "'"
    schema_editor.execute(
        f"""
        CREATE OR REPLACE FUNCTION case_search_gram_stats() RETURNS TABLE (elems text[], freqs real[])
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
            SELECT most_common_elems::text::text[], most_common_elem_freqs
            FROM pg_stats
            WHERE schemaname = {literal} AND tablename = 'case_search_grams'
        $$
        """
    )


def drop(apps, schema_editor):
    schema_editor.execute("DROP FUNCTION IF EXISTS case_search_gram_stats()")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0019_case_closed"),
    ]

    operations = [
        migrations.RunPython(create, drop, elidable=False),
    ]
