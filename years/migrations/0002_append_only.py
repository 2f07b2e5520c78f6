"""A closed year's snapshot is append-only below the ORM (years/sql/)."""

from django.db import migrations

from credits import append_only


def install(apps, schema_editor):
    append_only.install(schema_editor.connection, "years")


def remove(apps, schema_editor):
    append_only.remove(schema_editor.connection, "years")


class Migration(migrations.Migration):
    dependencies = [("years", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
