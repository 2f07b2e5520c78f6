"""Clerks run their villages' selections and nominate (the services add the village scope);
officers read them, and select town and county titles as the services allow a place's officers."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

READ = ["view_selection", "view_candidate", "view_title", "view_nomination", "view_quota", "view_namedstar"]
ROLES = {
    "clerk": [*READ, "add_selection", "change_selection", "add_namedstar", "change_namedstar", "delete_namedstar"],
    # Officers hold read permissions only, as everywhere; selecting a title or setting a quota is
    # checked by the services against the town's and the county's officers.
    "officer": READ,
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("titles")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="titles", codename__in=ROLES[group.name])
        )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="titles", codename__in=ROLES[group.name])
        )


class Migration(migrations.Migration):
    dependencies = [("titles", "0001_initial"), ("years", "0004_roles")]

    operations = [migrations.RunPython(grant, revoke)]
