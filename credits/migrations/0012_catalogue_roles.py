"""Clerks keep their villages' catalogues and versions (the admin and services add the village
scope); officers read them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "clerk": [
        "credits.view_catalogue",
        "credits.add_catalogue",
        "credits.change_catalogue",
        "credits.view_catalogueversion",
        "credits.change_catalogueversion",
    ],
    "officer": ["credits.view_catalogue", "credits.view_catalogueversion"],
}


def _codenames(role: str) -> list[str]:
    return [perm.split(".")[1] for perm in ROLES[role]]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("credits")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="credits", codename__in=_codenames(group.name))
        )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="credits", codename__in=_codenames(group.name))
        )


class Migration(migrations.Migration):
    dependencies = [("credits", "0011_catalogue_versions_required"), ("credits", "0004_roles")]

    operations = [migrations.RunPython(grant, revoke)]
