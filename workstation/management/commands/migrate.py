"""``manage.py migrate`` as the database owner, then the app role's grants (governance/db_roles.py).

With MIGRATION_DATABASE_URL set, Django's own migrate runs connected as that role (the app role of
DATABASE_URL may not create or alter tables), and afterwards grants the app role its rights on
every table, including those this run made. Without it, Django's migrate, unchanged.
"""

from django.core.management.commands.migrate import Command as DjangoMigrate

from governance.db_roles import as_owner, grant_app_role


class Command(DjangoMigrate):
    help = DjangoMigrate.help + " As MIGRATION_DATABASE_URL's role when set, then grants DATABASE_URL's role."

    def handle(self, *args, **options):
        using = options["database"]
        with as_owner(using):
            super().handle(*args, **options)
        role = grant_app_role(using=using)
        if role and options["verbosity"] >= 1:
            self.stdout.write(f"Granted the app role {role!r} its rights (append-only: event log).")
