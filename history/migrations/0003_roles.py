"""Clerks and officers read the history of their villages and towns (the admin scopes the rows)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = ("clerk", "officer")


def grant(apps, schema_editor):
    app_config = apps.get_app_config("history")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    view = Permission.objects.get(content_type__app_label="history", codename="view_change")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.add(view)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="history"))


class Migration(migrations.Migration):
    dependencies = [("history", "0002_append_only"), ("credits", "0004_roles")]

    operations = [migrations.RunPython(grant, revoke)]
