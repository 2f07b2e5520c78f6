"""Every posting updates its household's row (score, balance, chain head, latest award). With no index
on any of those columns, PostgreSQL can write the new version beside the old one in the same page
without touching the table's indexes (a "HOT" update); an index on the score — which nothing read:
ranks are counted within a village — made every posting add an entry to each of the household's nine
indexes. Pages are left a fifth empty so the new versions have room beside the old ones (this applies
to pages written from now on; `VACUUM FULL households_household` rewrites the existing ones)."""

from django.db import migrations


def leave_room(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE households_household SET (fillfactor = 80)")


def fill_pages(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE households_household RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0013_last_award_on"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="household", name="household_score_idx"),
        migrations.RunPython(leave_room, fill_pages),
    ]
