"""Each household's latest award not undone, kept beside its score (`Household.last_award_on`).

The backfill reads it from the entries: the latest deed date of the household's awards that no
reversal points at. On PostgreSQL the awards are grouped once and joined; SQLite, whose UPDATE … FROM
came late, asks once per household.
"""

from django.db import migrations, models

AWARDS = """
    FROM credits_entry e
    WHERE e.kind = 'award' AND NOT EXISTS (SELECT 1 FROM credits_entry x WHERE x.reverses_id = e.id)
"""


def backfill(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE households_household h SET last_award_on = a.last "
                f"FROM (SELECT e.household_id, MAX(e.occurred_on) AS last {AWARDS} GROUP BY e.household_id) a "
                f"WHERE a.household_id = h.id"
            )
        else:
            cursor.execute(
                f"UPDATE households_household SET last_award_on = "
                f"(SELECT MAX(e.occurred_on) {AWARDS} AND e.household_id = households_household.id)"
            )


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0012_closed_index"),
        ("credits", "0017_month_totals"),
    ]

    operations = [
        migrations.AddField(
            model_name="household",
            name="last_award_on",
            field=models.DateField(blank=True, editable=False, null=True, verbose_name="latest award"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
