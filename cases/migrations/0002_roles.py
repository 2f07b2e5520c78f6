"""The reviewer role (村务监督委员会), and what clerks and officers may do with cases.

Which villages a reviewer reviews is not a permission: it is `ProcessSettings.reviewers`.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "clerk": [
        "cases.view_case",
        "cases.view_processsettings",
        "cases.add_processsettings",
        "cases.change_processsettings",
    ],
    "officer": ["cases.view_case", "cases.view_processsettings"],
    "reviewer": ["cases.view_case", "cases.review_case", "cases.view_processsettings"],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("cases")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perms in ROLES.items():
        group, _created = Group.objects.get_or_create(name=role)
        codenames = [perm.split(".")[1] for perm in perms]
        group.permissions.add(*Permission.objects.filter(content_type__app_label="cases", codename__in=codenames))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="cases"))
    Group.objects.filter(name="reviewer").delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial"), ("credits", "0004_roles")]

    operations = [migrations.RunPython(grant, revoke)]
