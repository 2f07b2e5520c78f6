"""The ledger's posting path on PostgreSQL: an entry in two round trips, its checks unchanged.

`ledger.entry_record` and `ledger._post` lock the household first and check under the lock; on
PostgreSQL the rest then goes in one statement, a data-modifying CTE (`write_entry`): the
household's UPDATE, the year's points and the month's totals (`INSERT … ON CONFLICT … DO UPDATE`)
and the entry's INSERT.
What only the lock protects — the household still open, its year not closed, a cap not reached,
enough to spend — is checked again in that statement's WHERE, which reads the database as it
stands once the lock is held (READ COMMITTED gives each statement a fresh snapshot); if it writes
nothing, the caller runs the plain path, which names the reason. `record_fast` is
`entry_record`'s first round trip: the lock and every other read it needs in one SELECT.

Both statements are prepared on the server (`prepared_cursor`): PostgreSQL would otherwise plan
each of them on every posting, which costs about as much as running them.

SQLite keeps the plain path: it has no data-modifying CTE, and no network to save.
"""

import functools
from datetime import date

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils import timezone

from config.db import prepared_cursor
from credits import chain
from credits.models import Catalogue, CatalogueVersion, Domain, Entry, Rule, YearScore
from credits.services.awards import last_award_sql
from credits.services.months import month_cte
from households.models import Household, Village

Kind = Entry.Kind


def fast() -> bool:
    return connection.vendor == "postgresql"


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def insert_sql(instances: list, *, source: str = "", expressions: dict[str, str] | None = None) -> tuple[str, list]:
    """`INSERT INTO <table> (<columns>) SELECT <values> [source]` for unsaved instances of one model:
    every concrete column but the id, each value cast to its column's type (a parameter in
    `INSERT … SELECT` has no type of its own), or the SQL given for it in `expressions`. `source`
    (`FROM h`) makes the rows depend on an earlier part of a CTE: no row there, no row written."""
    head, values, given = _insert_shape(type(instances[0]), tuple(sorted((expressions or {}).items())))
    rows, params = [], []
    db = connections[DEFAULT_DB_ALIAS]  # the wrapper itself: each field would look it up through `connection`
    for instance in instances:
        rows.append(f"SELECT {values} {source}")
        params += [f.get_db_prep_save(getattr(instance, f.attname), db) for f in given]
    return f"{head} {' UNION ALL '.join(rows)}", params


def insert_row_sql(model, values: dict, *, source: str = "") -> tuple[str, list]:
    """`insert_sql` for one row given as plain values by attname (integers, booleans, strings and
    dates, which the fields would pass through unchanged), every concrete column but the id given:
    no model instance to build, no field to convert."""
    head, row, given = _insert_shape(model, ())
    return f"{head} SELECT {row} {source}", [values[f.attname] for f in given]


@functools.cache
def _insert_shape(model, expressions: tuple[tuple[str, str], ...]) -> tuple[str, str, list]:
    """The INSERT's head, one row's values and the fields given as parameters: built once a shape
    (quoting and column types cost more CPU than the rest of a posting's Python)."""
    expressions = dict(expressions)
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(_q(f.column) for f in fields)
    # Text, not varchar(n): an explicit cast to varchar(n) would cut a long value where the INSERT
    # must refuse it, as a plain one does.
    values = ", ".join(expressions.get(f.attname) or f"CAST(%s AS {_cast(f)})" for f in fields)
    given = [f for f in fields if f.attname not in expressions]
    return f"INSERT INTO {_q(model._meta.db_table)} ({columns})", values, given


def _cast(field) -> str:
    return "text" if field.get_internal_type() in ("CharField", "TextField") else field.cast_db_type(connection)


def write_entry(
    entry: Entry,
    *,
    household: Household,
    score_delta: int,
    spending: bool = False,
    year_points: bool = True,
    caps: tuple[int, str, int | None, int | None] | None = None,
) -> bool:
    """Move the locked household's score, balance and chain head and append `entry` (its hash
    linked already), with the year's points and the month's totals, in one statement; False if the guards refused it.

    The guards: the household open, `entry.occurred_on`'s year not closed in its village, with
    `spending` the balance enough, with `caps` (the rule's catalogue id and key, its yearly and monthly
    caps) each cap not reached.
    """
    h = _q(Household._meta.db_table)
    guards = [f"{h}.active", f"NOT EXISTS (SELECT 1 FROM {_q(Village._meta.db_table)} v "
              f"WHERE v.id = {h}.village_id AND v.closed_year >= %s)"]  # fmt: skip
    guard_params: list = [entry.occurred_on.year]
    if spending:
        guards.append(f"{h}.balance >= %s")
        guard_params.append(-entry.points)
    if caps:
        catalogue_id, key, per_year, per_month = caps
        on = entry.occurred_on
        year_start, month_start = on.replace(month=1, day=1), on.replace(day=1)
        spans = []
        if per_year is not None:
            spans.append((year_start, on.replace(year=on.year + 1, month=1, day=1), per_year))
        if per_month is not None:
            spans.append((month_start, _next_month(month_start), per_month))
        for start, end, cap in spans:
            guards.append(f"({_uses_sql()}) < %s")
            guard_params += [household.pk, catalogue_id, key, start, end, cap]
    entry_sql, entry_params = insert_sql([entry], source="FROM h")
    year_sql, year_params = "", []
    if year_points:
        row = {"household_id": household.pk, "village_id": household.village_id, "year": entry.occurred_on.year,
               "points": entry.points}  # fmt: skip
        insert, year_params = insert_row_sql(YearScore, row, source="FROM h")
        y = _q(YearScore._meta.db_table)
        year_sql = (f", y AS ({insert} ON CONFLICT ({_q('household_id')}, {_q('year')}) "
                    f"DO UPDATE SET points = {y}.points + EXCLUDED.points)")  # fmt: skip
    month_sql, month_params = month_cte(entry, household.village_id)
    award_sql, award_params = last_award_sql(entry, household.pk)
    sql = (
        f"WITH h AS (UPDATE {h} SET score = score + %s, balance = balance + %s, chain_head = %s{award_sql} "
        f"WHERE {h}.id = %s AND {' AND '.join(guards)} RETURNING {h}.id){year_sql}{month_sql} "
        f"{entry_sql} RETURNING id"
    )
    params = [score_delta, entry.points, entry.hash, *award_params, household.pk, *guard_params, *year_params,
              *month_params, *entry_params]  # fmt: skip
    with prepared_cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return False
    entry.pk = row[0]
    entry._state.adding = False
    entry._state.db = connection.alias
    return True


def _uses_sql() -> str:
    """A household's uses of a rule (any version of its catalogue, by key) between two dates, reversed
    ones left out: what `checks.uses` counts."""
    e, r, v = _q(Entry._meta.db_table), _q(Rule._meta.db_table), _q(CatalogueVersion._meta.db_table)
    return (
        f"SELECT count(*) FROM {e} e WHERE e.household_id = %s AND e.rule_id IN ("
        f"SELECT r.id FROM {r} r JOIN {v} cv ON cv.id = r.version_id WHERE cv.catalogue_id = %s AND r.key = %s) "
        f"AND e.kind IN ('{Kind.AWARD}', '{Kind.DEDUCTION}') AND e.occurred_on >= %s AND e.occurred_on < %s "
        f"AND NOT EXISTS (SELECT 1 FROM {e} x WHERE x.reverses_id = e.id)"
    )


def _next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def record_fast(
    *, household: Household, rule: Rule, occurred_on: date, by, note: str, at, points: int | None, scope_checked: bool
) -> Entry | None:
    """`entry_record` in two round trips: this SELECT locks the household and reads, in the same
    statement, all that the plain path reads beside it (scope, the village's earliest date, the
    opening, the rule in force and its domain); `write_entry` then checks what the lock protects and
    writes. None wherever the plain path must decide: a refusal, or anything it would see otherwise.
    Called inside the caller's transaction."""
    if not scope_checked and not (by.is_authenticated and by.is_active):
        return None
    scoped = not scope_checked and not by.is_superuser
    with prepared_cursor() as cursor:
        cursor.execute(_gather_sql(scoped), [*([by.pk] if scoped else []), rule.pk, occurred_on, household.pk])
        row = cursor.fetchone()
    if row is None:
        return None
    fields = Household._meta.concrete_fields
    locked = Household.from_db(connection.alias, [f.attname for f in fields], row[: len(fields)])
    (earliest, opened_on, rule_village, rule_id, name, rule_points, active, per_year, per_month, standard, key,
     catalogue_id, domain_name, in_scope) = row[len(fields) :]  # fmt: skip
    if not in_scope or rule_village != locked.village_id or rule_id is None or not active or not locked.active:
        return None
    if (earliest and occurred_on < earliest) or (opened_on and occurred_on < opened_on):
        return None
    applied = rule_points if points is None else points
    if applied == 0 or (applied > 0) != (rule_points > 0) or abs(applied) > abs(rule_points):
        return None
    entry = Entry(
        household=locked,
        kind=Kind.AWARD if rule_points > 0 else Kind.DEDUCTION,
        points=applied,
        in_score=True,
        rule_id=rule_id,
        rule_name=name,
        domain_name=domain_name,
        rule_standard=standard,
        occurred_on=occurred_on,
        note=note.strip(),
        recorded_by=by,
        created_at=at or timezone.now(),
        score_after=locked.score + applied,
        balance_after=locked.balance + applied,
    )
    chain.link(entry, household=locked)
    caps = None if per_year is None and per_month is None else (catalogue_id, key, per_year, per_month)
    if not write_entry(entry, household=locked, score_delta=applied, caps=caps):
        return None
    return entry


def lock_household(pk: int) -> Household | None:
    """The household's row, locked for the caller's transaction: `checks.lock_households` for one
    household whose scope the caller checked, in one prepared statement (the shop's counter runs it on
    every redemption, and compiling the queryset cost more CPU than the database spends on it)."""
    with prepared_cursor() as cursor:
        cursor.execute(_lock_sql(), [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    return Household.from_db(connection.alias, [f.attname for f in Household._meta.concrete_fields], row)


@functools.cache
def _lock_sql() -> str:
    columns = ", ".join(_q(f.column) for f in Household._meta.concrete_fields)
    return f"SELECT {columns} FROM {_q(Household._meta.db_table)} WHERE id = %s FOR UPDATE"


@functools.cache
def _gather_sql(scoped: bool) -> str:
    """`record_fast`'s SELECT; with `scoped`, whether the recorder is a clerk of the household's
    village (its first parameter, the recorder's id) as `villages_for(by, write=True)` says it:
    written out here, since compiling that queryset costs a third of the posting's CPU; if that
    scope ever changes, tests/credits/test_posting.py fails on a stranger or a clerk."""
    clerks = Village.clerks.through
    scope_sql = (
        f"h.village_id IN (SELECT {_q(clerks._meta.get_field('village').column)} "
        f"FROM {_q(clerks._meta.db_table)} WHERE {_q(clerks._meta.get_field('user').column)} = %s)"
        if scoped
        else "TRUE"
    )
    fields = Household._meta.concrete_fields
    e, r = _q(Entry._meta.db_table), _q(Rule._meta.db_table)
    cv, c = _q(CatalogueVersion._meta.db_table), _q(Catalogue._meta.db_table)
    sql = f"""
        SELECT {", ".join(f"h.{_q(f.column)}" for f in fields)}, v.earliest_deed_on,
               (SELECT e.occurred_on FROM {e} e WHERE e.household_id = h.id AND e.kind = '{Kind.OPENING}'
                ORDER BY e.id LIMIT 1),
               c0.village_id, r.id, r.name, r.points, r.active, r.cap_per_year, r.cap_per_month, r.description,
               r.key, f.catalogue_id, d.name, {scope_sql}
        FROM {_q(Household._meta.db_table)} h
        JOIN {_q(Village._meta.db_table)} v ON v.id = h.village_id
        LEFT JOIN {r} r0 ON r0.id = %s
        LEFT JOIN {cv} v0 ON v0.id = r0.version_id
        LEFT JOIN {c} c0 ON c0.id = v0.catalogue_id
        LEFT JOIN LATERAL (
            SELECT cv.id, cv.catalogue_id FROM {cv} cv JOIN {c} c ON c.id = cv.catalogue_id
            WHERE c.village_id = h.village_id AND cv.adopted_on IS NOT NULL AND cv.effective_from <= %s
            ORDER BY cv.effective_from DESC LIMIT 1
        ) f ON TRUE
        LEFT JOIN {r} r ON r.version_id = f.id AND r.key = r0.key
        LEFT JOIN {_q(Domain._meta.db_table)} d ON d.id = r.domain_id
        WHERE h.id = %s
        FOR UPDATE OF h"""
    return sql
