"""Install the shop's append-only triggers again (the SQL is idempotent): SQLite gains triggers
refusing INSERT OR REPLACE of an existing row, PostgreSQL ones refusing TRUNCATE."""

from django.db import migrations

from credits import append_only


def install(apps, schema_editor):
    append_only.install(schema_editor.connection, "exchange")


class Migration(migrations.Migration):
    dependencies = [("exchange", "0005_printable_text")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
