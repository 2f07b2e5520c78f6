"""Activities' permissions for the staff roles made in `credits.0004_roles`.

Clerks publish their villages' activities and keep their sign-ups (the admin and the services add
the village scope); officers read. Organisers need no model permission: the check-in page admits
them by `Activity.organisers`.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "clerk": [
        "activities.view_activity",
        "activities.add_activity",
        "activities.change_activity",
        "activities.view_signup",
        "activities.add_signup",
        "activities.change_signup",
        "activities.delete_signup",
    ],
    "officer": ["activities.view_activity", "activities.view_signup"],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("activities")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLES.items():
        group, _created = Group.objects.get_or_create(name=role)
        codenames = [perm.split(".")[1] for perm in codenames]
        group.permissions.add(*Permission.objects.filter(content_type__app_label="activities", codename__in=codenames))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="activities"))


class Migration(migrations.Migration):
    dependencies = [("activities", "0001_initial"), ("credits", "0004_roles")]

    operations = [migrations.RunPython(grant, revoke)]
