"""Household numbers are found however they are padded: a stored, indexed key (0004 → 4), one per village."""

from django.db import migrations, models

from households.models import number_key


def fill(apps, schema_editor):
    Household = apps.get_model("households", "Household")
    households = list(Household.objects.only("pk", "number"))
    for household in households:
        household.number_key = number_key(household.number)
    Household.objects.bulk_update(households, ["number_key"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("households", "0005_printable_text")]

    operations = [
        migrations.AddField(
            model_name="household",
            name="number_key",
            field=models.CharField(default="", editable=False, max_length=20, verbose_name="number key"),
            preserve_default=False,
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="household",
            constraint=models.UniqueConstraint(fields=("village", "number_key"), name="household_number_key_unique"),
        ),
    ]
