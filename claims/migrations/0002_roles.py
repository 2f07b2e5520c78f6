"""What clerks and officers may do with claims and reports; which villages is their scope, not a permission."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "clerk": [
        "claims.view_claim",
        "claims.review_claim",
        "claims.view_report",
        "claims.view_claimsettings",
        "claims.add_claimsettings",
        "claims.change_claimsettings",
    ],
    "officer": ["claims.view_claim", "claims.view_report", "claims.view_claimsettings"],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("claims")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perms in ROLES.items():
        group, _created = Group.objects.get_or_create(name=role)
        codenames = [perm.split(".")[1] for perm in perms]
        group.permissions.add(*Permission.objects.filter(content_type__app_label="claims", codename__in=codenames))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="claims"))


class Migration(migrations.Migration):
    dependencies = [("claims", "0001_initial"), ("cases", "0002_roles")]

    operations = [migrations.RunPython(grant, revoke)]
