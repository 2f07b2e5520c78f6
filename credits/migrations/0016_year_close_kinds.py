"""The entries a year close writes (restart, carry-over, expiry) and their constraints.

On SQLite changing a table's constraints rebuilds it, which drops its append-only triggers: they
are lifted before and put back after, as in 0013.
"""

from django.conf import settings
from django.db import migrations, models

from credits import append_only


def lift_triggers(apps, schema_editor):
    append_only.remove(schema_editor.connection)


def put_back_triggers(apps, schema_editor):
    append_only.install(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('credits', '0015_version_minutes'),
        ('households', '0011_village_closed_year'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(lift_triggers, put_back_triggers),
        migrations.RemoveConstraint(
            model_name='entry',
            name='entry_only_spending_outside_score',
        ),
        migrations.AlterField(
            model_name='entry',
            name='kind',
            field=models.CharField(choices=[('opening', 'opening'), ('award', 'award'), ('deduction', 'deduction'), ('redemption', 'redemption'), ('reversal', 'reversal'), ('adjustment', 'adjustment'), ('restart', 'year restart'), ('carryover', 'balance carried over'), ('expiry', 'balance expiry')], max_length=12, verbose_name='kind'),
        ),
        migrations.AddConstraint(
            model_name='entry',
            constraint=models.CheckConstraint(condition=models.Q(('in_score', True), ('kind__in', ['redemption', 'reversal', 'carryover', 'expiry']), _connector='OR'), name='entry_only_spending_outside_score'),
        ),
        migrations.AddConstraint(
            model_name='entry',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'expiry'), ('points__lt', 0)), models.Q(('kind', 'expiry'), _negated=True), _connector='OR'), name='entry_expiry_negative'),
        ),
        migrations.AddConstraint(
            model_name='entry',
            constraint=models.CheckConstraint(condition=models.Q(('in_score', False), models.Q(('kind__in', ['carryover', 'expiry']), _negated=True), _connector='OR'), name='entry_balance_kinds_outside_score'),
        ),
        migrations.AddConstraint(
            model_name='entry',
            constraint=models.CheckConstraint(condition=models.Q(('in_score', True), models.Q(('kind', 'restart'), _negated=True), _connector='OR'), name='entry_restart_in_score'),
        ),
        migrations.RunPython(put_back_triggers, lift_triggers),
    ]
