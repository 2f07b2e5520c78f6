"""Install the history's append-only triggers again (the SQL is idempotent): SQLite gains a trigger
refusing INSERT OR REPLACE of an existing change, PostgreSQL one refusing TRUNCATE."""

from django.db import migrations

from credits import append_only


def install(apps, schema_editor):
    append_only.install(schema_editor.connection, "history")


class Migration(migrations.Migration):
    dependencies = [("history", "0003_roles")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
