"""The roles' permissions on evidence: a clerk adds and deletes it (within their villages, and
never once it documents an entry in the ledger); an officer reads it."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "clerk": ["evidence.view_evidence", "evidence.add_evidence", "evidence.delete_evidence"],
    "officer": ["evidence.view_evidence"],
}


def grant(apps, schema_editor):
    # Permissions are normally created after migrate; the groups need them now.
    app_config = apps.get_app_config("evidence")
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
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="evidence"))


class Migration(migrations.Migration):
    dependencies = [
        ("evidence", "0001_initial"),
        ("credits", "0004_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
