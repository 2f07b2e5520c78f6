"""The staff roles as groups, with the model permissions the admin checks.

Village scope (which villages a clerk keeps, which towns an officer reads) is not a permission:
it is the assignment on `Village.clerks` and `Town.officers`, enforced by the selectors.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "clerk": [
        "households.view_town",
        "households.view_village",
        "households.view_household",
        "households.add_household",
        "households.change_household",
        "credits.view_domain",
        "credits.add_domain",
        "credits.change_domain",
        "credits.view_rule",
        "credits.add_rule",
        "credits.change_rule",
        "credits.view_entry",
        "credits.add_entry",
    ],
    "officer": [
        "households.view_town",
        "households.view_village",
        "households.view_household",
        "credits.view_domain",
        "credits.view_rule",
        "credits.view_entry",
    ],
    "shopkeeper": [],
}


def grant(apps, schema_editor):
    # Permissions are normally created after migrate; the groups need them now.
    for app_config in apps.get_app_configs():
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
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("credits", "0003_default_catalogue"),
        ("households", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
