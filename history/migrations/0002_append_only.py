from django.db import migrations

from credits import append_only


def install(apps, schema_editor):
    append_only.install(schema_editor.connection, "history")


def remove(apps, schema_editor):
    append_only.remove(schema_editor.connection, "history")


class Migration(migrations.Migration):
    dependencies = [("history", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
