from django.db import migrations

from credits import append_only


def install(apps, schema_editor):
    append_only.install(schema_editor.connection, "exchange")


def remove(apps, schema_editor):
    append_only.remove(schema_editor.connection, "exchange")


class Migration(migrations.Migration):
    dependencies = [("exchange", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
