"""Each household's latest award not undone (`Household.last_award_on`), moved with its score.

An award moves the date to the award's deed if that is later; a reversal of an award whose deed
is the date held reads it again from the household's other awards not undone (one query on the
household's entries, by their index; the award being undone is left out by its id, since the
reversal is not yet written when the household's row is). Every other entry leaves it alone.

`last_award_sql` is the SET clause for the household's UPDATE in the entry's transaction: in
PostgreSQL's posting statement (`posting.write_entry`) and, as `last_award_update`, in the plain
paths' UPDATEs (`ledger._post`, `ledger.entry_record_batch`, whose households all take one award of
one date). The households are locked before it runs, so two writers of one household take turns and
the second reads what the first committed.
"""

from django.db import connection
from django.db.models import DateField
from django.db.models.expressions import RawSQL

from credits.models import Entry

Kind = Entry.Kind


def last_award_sql(entry: Entry, household_id: int) -> tuple[str, list]:
    """(`, last_award_on = …`, its parameters) for the UPDATE of the household `entry` is written
    to, or ("", []) when `entry` does not move it."""
    expression, params = _expression(entry, household_id)
    return (f", last_award_on = {expression}", params) if expression else ("", [])


def last_award_update(entry: Entry, household_id: int | None = None) -> dict:
    """`last_award_on=…` for a queryset's `update()`, or nothing; `household_id` only for a reversal."""
    expression, params = _expression(entry, household_id)
    return {"last_award_on": RawSQL(expression, params, output_field=DateField())} if expression else {}


def _expression(entry: Entry, household_id: int | None) -> tuple[str, list]:
    on = connection.ops.adapt_datefield_value(entry.occurred_on)
    if entry.kind == Kind.AWARD:
        return "CASE WHEN last_award_on >= %s THEN last_award_on ELSE %s END", [on, on]
    if entry.kind == Kind.REVERSAL and entry.reverses is not None and entry.reverses.kind == Kind.AWARD:
        e = connection.ops.quote_name(Entry._meta.db_table)
        latest = (
            f"SELECT MAX(a.occurred_on) FROM {e} a WHERE a.household_id = %s AND a.kind = '{Kind.AWARD}' "
            f"AND a.id <> %s AND NOT EXISTS (SELECT 1 FROM {e} x WHERE x.reverses_id = a.id)"
        )
        return f"CASE WHEN last_award_on = %s THEN ({latest}) ELSE last_award_on END", [
            on,
            household_id,
            entry.reverses_id,
        ]
    return "", []
