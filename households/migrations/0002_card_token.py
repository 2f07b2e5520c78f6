import secrets

from django.db import migrations, models

import households.models


def issue_tokens(apps, schema_editor):
    Household = apps.get_model("households", "Household")
    for household in Household.objects.filter(card_token__isnull=True).only("pk"):
        household.card_token = secrets.token_urlsafe(16)
        household.save(update_fields=["card_token"])


class Migration(migrations.Migration):
    dependencies = [("households", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="household",
            name="card_token",
            field=models.CharField(editable=False, max_length=32, null=True, verbose_name="card code"),
        ),
        migrations.RunPython(issue_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="household",
            name="card_token",
            field=models.CharField(
                default=households.models.new_card_token,
                editable=False,
                max_length=32,
                unique=True,
                verbose_name="card code",
            ),
        ),
    ]
