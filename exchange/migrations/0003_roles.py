"""The shop's permissions for the staff roles made in `credits.0004_roles`.

Clerks keep their villages' shops, goods and stock, and void redemptions; officers read.
Shopkeepers need no model permission: the counter admits them by `Shop.shopkeepers`.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "clerk": [
        "exchange.view_shop",
        "exchange.add_shop",
        "exchange.change_shop",
        "exchange.view_product",
        "exchange.add_product",
        "exchange.change_product",
        "exchange.view_stockmovement",
        "exchange.add_stockmovement",
        "exchange.view_redemption",
        "exchange.view_redemptionvoid",
        "exchange.add_redemptionvoid",
    ],
    "officer": [
        "exchange.view_shop",
        "exchange.view_product",
        "exchange.view_stockmovement",
        "exchange.view_redemption",
        "exchange.view_redemptionvoid",
    ],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("exchange")
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
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="exchange"))


class Migration(migrations.Migration):
    dependencies = [("exchange", "0002_append_only"), ("credits", "0004_roles")]

    operations = [migrations.RunPython(grant, revoke)]
