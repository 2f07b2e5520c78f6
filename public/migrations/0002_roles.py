"""The roles' permissions on what the public pages show: star levels and board settings.

A clerk keeps them for their own villages (the admin adds that scope); an officer reads them.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "clerk": [
        "households.view_starlevel",
        "households.add_starlevel",
        "households.change_starlevel",
        "households.delete_starlevel",
        "public.view_boardsettings",
        "public.add_boardsettings",
        "public.change_boardsettings",
    ],
    "officer": [
        "households.view_starlevel",
        "public.view_boardsettings",
    ],
}


def grant(apps, schema_editor):
    # Permissions are normally created after migrate; the groups need them now.
    for label in ("households", "public"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perms in ROLES.items():
        group, _created = Group.objects.get_or_create(name=role)
        for perm in perms:
            app_label, codename = perm.split(".")
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for role, perms in ROLES.items():
        for group in apps.get_model("auth", "Group").objects.filter(name=role):
            for perm in perms:
                app_label, codename = perm.split(".")
                group.permissions.remove(
                    *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
                )


class Migration(migrations.Migration):
    dependencies = [
        ("public", "0001_initial"),
        ("households", "0003_pin_and_stars"),
        ("credits", "0004_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
