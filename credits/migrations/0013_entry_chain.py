"""Chain every household's entries (credits/chain.py) and set each household's head.

The entries are append-only, so the triggers are lifted while the new columns are filled and put
back after; on SQLite adding the columns rebuilds the table, which drops them anyway. The chain is
computed with version 1 of the hashed fields, whatever later versions add.
"""

from django.db import migrations, models

from credits import append_only, chain


def link_existing(apps, schema_editor):
    Entry = apps.get_model("credits", "Entry")
    Household = apps.get_model("households", "Household")
    append_only.remove(schema_editor.connection)
    heads = {}
    batch = []
    for entry in Entry.objects.order_by("household_id", "id").iterator(chunk_size=2000):
        entry.hash_version = 1
        entry.previous_hash = heads.get(entry.household_id, "")
        entry.hash = chain.entry_hash(entry, previous=entry.previous_hash, version=1)
        heads[entry.household_id] = entry.hash
        batch.append(entry)
        if len(batch) == 2000:
            Entry.objects.bulk_update(batch, ["hash_version", "previous_hash", "hash"])
            batch = []
    Entry.objects.bulk_update(batch, ["hash_version", "previous_hash", "hash"])
    Household.objects.bulk_update(
        [Household(pk=pk, chain_head=head) for pk, head in heads.items()], ["chain_head"], batch_size=2000
    )
    append_only.install(schema_editor.connection)


def lift_triggers(apps, schema_editor):
    append_only.remove(schema_editor.connection)


def put_back_triggers(apps, schema_editor):
    append_only.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("credits", "0012_catalogue_roles"),
        ("households", "0007_chain_head"),
    ]

    operations = [
        migrations.RunPython(lift_triggers, put_back_triggers),
        migrations.AddField(
            model_name="entry",
            name="hash_version",
            field=models.PositiveSmallIntegerField(default=1, editable=False, verbose_name="hash version"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="entry",
            name="previous_hash",
            field=models.CharField(
                blank=True, default="", editable=False, max_length=64, verbose_name="previous entry's hash"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="entry",
            name="hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="hash"),
            preserve_default=False,
        ),
        migrations.RunPython(link_existing, lift_triggers),
    ]
