"""The months' totals (`credits.models.MonthTotal`), moved by the ledger's services beside the entries.

Every service that inserts entries calls `add_to_months` with them in the same transaction (or, on
PostgreSQL's posting path, adds `month_cte` to its one statement): the entries are counted and
summed by their key (village, year and month of the deed, kind, standing toward the score, sign,
domain and rule name as recorded) and each key's row moved by one `INSERT … ON CONFLICT … DO
UPDATE` on PostgreSQL and SQLite alike, so two writers of the same village, month and rule at once
both count: the second waits for the first's row and adds to what it committed.

Rows are written in the order of their key, so two transactions moving the same rows take their
locks in the same order and cannot deadlock on them.
"""

import functools
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection

from credits.models import Entry, MonthTotal

# Rows a statement of `add_to_months` moves: ten parameters each, under both databases' limits.
MONTH_ROWS = 3000


def key_of(entry: Entry, village_id: int) -> tuple:
    """`MonthTotal.KEY` of an entry of a household of `village_id`."""
    on = entry.occurred_on
    return (
        village_id, on.year, on.month, str(entry.kind), bool(entry.in_score), entry.points > 0,
        entry.domain_name or "", entry.rule_name or "",
    )  # fmt: skip


def add_to_months(entries: Iterable[Entry]) -> None:
    """Move the months' totals by `entries` (unsaved or saved, their `household` loaded); one statement
    for up to MONTH_ROWS distinct keys, none for no entries."""
    totals: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for entry in entries:
        total = totals[key_of(entry, entry.household.village_id)]
        total[0] += 1
        total[1] += entry.points
    rows = sorted(totals.items())
    table = _q(MonthTotal._meta.db_table)
    for start in range(0, len(rows), MONTH_ROWS):
        chunk = rows[start : start + MONTH_ROWS]
        values = ", ".join([f"({', '.join(['%s'] * 10)})"] * len(chunk))
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({_columns()}) VALUES {values} {_on_conflict()}",
                [value for key, (count, points) in chunk for value in (*key, count, points)],
            )


def month_cte(entry: Entry, village_id: int, *, source: str = "FROM h") -> tuple[str, list]:
    """A part of a data-modifying CTE moving the month's totals by one entry, written only if
    `source` yields a row (`, m AS (INSERT … SELECT … FROM h ON CONFLICT … DO UPDATE …)`)."""
    from credits.services.posting import insert_row_sql

    values = dict(zip(MonthTotal.KEY, key_of(entry, village_id), strict=True))
    insert, params = insert_row_sql(MonthTotal, {**values, "count": 1, "points": entry.points}, source=source)
    return f", m AS ({insert} {_on_conflict()})", params


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


@functools.cache
def _columns() -> str:
    names = (*MonthTotal.KEY, "count", "points")
    return ", ".join(_q(MonthTotal._meta.get_field(name.removesuffix("_id")).column) for name in names)


@functools.cache
def _on_conflict() -> str:
    table = _q(MonthTotal._meta.db_table)
    key = ", ".join(_q(MonthTotal._meta.get_field(name.removesuffix("_id")).column) for name in MonthTotal.KEY)
    count, points = _q("count"), _q("points")
    return (
        f"ON CONFLICT ({key}) DO UPDATE SET {count} = {table}.{count} + EXCLUDED.{count}, "
        f"{points} = {table}.{points} + EXCLUDED.{points}"
    )
