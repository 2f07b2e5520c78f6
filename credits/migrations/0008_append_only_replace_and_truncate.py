"""Install the append-only triggers again (the SQL is idempotent): SQLite gains a trigger refusing
INSERT OR REPLACE of an existing entry, PostgreSQL one refusing TRUNCATE."""

from django.db import migrations

from credits import append_only


def install(apps, schema_editor):
    append_only.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("credits", "0007_printable_text")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
