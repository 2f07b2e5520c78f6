from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("households", "0010_county")]

    operations = [
        migrations.AddField(
            model_name="village",
            name="closed_year",
            field=models.PositiveSmallIntegerField(
                blank=True, editable=False, null=True, verbose_name="closed through year"
            ),
        ),
    ]
