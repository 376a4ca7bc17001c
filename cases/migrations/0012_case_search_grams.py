"""An index for the case list's search (``?q=``): every character and every pair of adjacent
characters of the number, title, description and address, in a GIN index (cases.search).

The search matches a substring, case-insensitively, as ``UPPER(column) LIKE UPPER('%term%')``
did. Any text that contains the term contains each of the term's characters pairs, so asking the
index for all of them (or for the one character of a one-character term) finds every match; the
LIKE then drops the texts that hold the pairs apart. Most Chinese search terms are one or two
characters, which a trigram index cannot serve and a word index (segmentation) would miss when
the text was segmented differently around them.

Two SQL functions and an expression index (the very expression the filter queries, or the
planner would not use it), kept current by PostgreSQL on every write, whoever writes.
"""

from django.db import migrations

INDEX = "case_search_grams"

FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION case_search_grams(VARIADIC parts text[]) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT array_to_tsvector(coalesce(array_agg(DISTINCT gram), '{}'))
    FROM unnest(parts) AS part(text),
         LATERAL (SELECT upper(coalesce(part.text, ''))) AS folded(text),
         LATERAL generate_series(1, length(folded.text)) AS position,
         LATERAL (VALUES (substr(folded.text, position, 1)), (substr(folded.text, position, 2))) AS grams(gram)
$$;

CREATE OR REPLACE FUNCTION case_search_query(term text) RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(
        string_agg('''' || replace(replace(gram, '\', '\\'), '''', '''''') || '''', ' & '),
        ''
    )::tsquery
    FROM (SELECT upper(term)) AS folded(text),
         LATERAL generate_series(1, greatest(length(folded.text) - 1, 1)) AS position,
         LATERAL (SELECT substr(folded.text, position, least(length(folded.text), 2))) AS grams(gram)
    WHERE gram <> ''
$$;
"""


def create(apps, schema_editor):
    schema_editor.execute(FUNCTIONS)
    schema_editor.execute(
        f"CREATE INDEX {INDEX} ON cases_case USING gin (case_search_grams(number, title, description, address))"
    )


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    schema_editor.execute("DROP FUNCTION IF EXISTS case_search_query(text)")
    schema_editor.execute("DROP FUNCTION IF EXISTS case_search_grams(VARIADIC text[])")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0011_case_idempotency_key"),
    ]

    operations = [
        migrations.RunPython(create, drop, elidable=False),
    ]
