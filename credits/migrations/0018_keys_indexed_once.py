"""The ledger's keys indexed once: a foreign key whose column already begins another index (the
entries' household, the years' points' household and village, the months' totals' village) loses the
index of its own. Every posting writes each of these tables, so each index less is a write less.

The indexes are dropped by name, not by altering the fields: on SQLite, Django alters a field by
copying its table, which would drop the entries' append-only triggers with it."""

import django.db.models.deletion
from django.db import migrations, models

# (model, field) whose own index goes.
KEYS = [("entry", "household"), ("yearscore", "household"), ("yearscore", "village"), ("monthtotal", "village")]


def _own_indexes(schema_editor, model, column):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return [
        name
        for name, c in constraints.items()
        if c["index"] and not c["unique"] and not c["primary_key"] and c["columns"] == [column]
    ]


def drop_own_indexes(apps, schema_editor):
    for model_name, field_name in KEYS:
        model = apps.get_model("credits", model_name)
        column = model._meta.get_field(field_name).column
        for name in _own_indexes(schema_editor, model, column):
            schema_editor.execute(schema_editor._delete_index_sql(model, name))


def create_own_indexes(apps, schema_editor):
    for model_name, field_name in KEYS:
        model = apps.get_model("credits", model_name)
        field = model._meta.get_field(field_name)
        if not _own_indexes(schema_editor, model, field.column):
            schema_editor.execute(schema_editor._create_index_sql(model, fields=[field]))


def key(to, related_name, verbose_name):
    return models.ForeignKey(
        db_index=False,
        on_delete=django.db.models.deletion.PROTECT,
        related_name=related_name,
        to=to,
        verbose_name=verbose_name,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("credits", "0017_month_totals"),
        ("households", "0014_household_updates_in_place"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField("entry", "household", key("households.household", "entries", "household")),
                migrations.AlterField("monthtotal", "village", key("households.village", "+", "village")),
                migrations.AlterField("yearscore", "household", key("households.household", "year_scores", "household")),
                migrations.AlterField("yearscore", "village", key("households.village", "+", "village")),
            ],
            database_operations=[migrations.RunPython(drop_own_indexes, create_own_indexes)],
        ),
    ]
