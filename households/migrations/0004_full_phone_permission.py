"""Who sees phone numbers in full in exports: clerks, who keep the roster and call households.

Officers read the town's figures and need no one's phone number; their exports are masked.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {"clerk": ["households.view_full_phone"]}


def grant(apps, schema_editor):
    # Permissions are normally created after migrate; the group needs this one now.
    app_config = apps.get_app_config("households")
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
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.remove(*Permission.objects.filter(codename="view_full_phone"))


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0003_pin_and_stars"),
        ("credits", "0004_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="household",
            options={
                "ordering": ["village", "number"],
                "permissions": [("view_full_phone", "Can see phone numbers in full in exports")],
                "verbose_name": "household",
                "verbose_name_plural": "households",
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
