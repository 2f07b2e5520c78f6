"""The recorded time defaults to now instead of being stamped on save (`auto_now_add`), so a
service may be told when a row happened (seeding a shop's past). The column is the same either
way: the state changes, the database does not — SQLite would otherwise rebuild the table and lose
its append-only triggers."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("exchange", "0003_roles"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="redemption",
                    name="created_at",
                    field=models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="time"),
                ),
                migrations.AlterField(
                    model_name="redemptionvoid",
                    name="voided_at",
                    field=models.DateTimeField(
                        default=django.utils.timezone.now, editable=False, verbose_name="voided at"
                    ),
                ),
                migrations.AlterField(
                    model_name="stockmovement",
                    name="created_at",
                    field=models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="time"),
                ),
            ],
            database_operations=[],
        ),
    ]
