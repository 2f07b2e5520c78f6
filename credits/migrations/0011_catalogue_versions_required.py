import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("credits", "0010_village_catalogues_data")]

    operations = [
        migrations.AlterField(
            model_name="domain",
            name="version",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="domains",
                to="credits.catalogueversion",
                verbose_name="catalogue version",
            ),
        ),
        migrations.AlterField(
            model_name="rule",
            name="version",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="rules",
                to="credits.catalogueversion",
                verbose_name="catalogue version",
            ),
        ),
    ]
