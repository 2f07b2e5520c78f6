"""Clerks close their villages' years (the services add the village scope) and read the closes;
officers read them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "clerk": ["years.view_yearclose", "years.add_yearclose", "years.view_yearsnapshot"],
    "officer": ["years.view_yearclose", "years.view_yearsnapshot"],
}


def _codenames(role: str) -> list[str]:
    return [perm.split(".")[1] for perm in ROLES[role]]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("years")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="years", codename__in=_codenames(group.name))
        )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="years", codename__in=_codenames(group.name))
        )


class Migration(migrations.Migration):
    dependencies = [("years", "0003_close_last_entry"), ("credits", "0004_roles")]

    operations = [migrations.RunPython(grant, revoke)]
