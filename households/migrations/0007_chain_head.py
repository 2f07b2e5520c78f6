from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("households", "0006_number_key")]

    operations = [
        migrations.AddField(
            model_name="household",
            name="chain_head",
            field=models.CharField(
                blank=True, default="", editable=False, max_length=64, verbose_name="ledger chain head"
            ),
            preserve_default=False,
        ),
    ]
