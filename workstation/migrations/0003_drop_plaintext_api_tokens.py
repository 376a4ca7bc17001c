"""API tokens moved from DRF's authtoken (keys stored in clear) to django-rest-knox (digests only).
The old table is dropped with every key in it: such keys stop working and must be reissued
(the demo's by `seed_demo`, an intake system's by `manage.py rotate_intake_token`)."""

from django.db import migrations


def drop_plaintext_tokens(apps, schema_editor):
    schema_editor.execute("DROP TABLE IF EXISTS authtoken_token CASCADE")


class Migration(migrations.Migration):
    dependencies = [("workstation", "0002_user_language"), ("knox", "0009_extend_authtoken_field")]

    operations = [migrations.RunPython(drop_plaintext_tokens, migrations.RunPython.noop)]
