"""Bulk ledger history for the benchmarks, written below the services because of its size.

Writing two million entries one service call at a time would take hours. These helpers write
the same rows directly — `bulk_create`, and `INSERT … SELECT generate_series` with window sums —
each with what the services would write beside it: a true `score_after`/`balance_after` chain, the
hash chain (`credits/chain.py`, hashed by its own functions), the household's cached score, balance
and chain head, its points per year (`credits_yearscore`) and its village's months' totals
(`credits_monthtotal`); so `manage.py reconcile` is clean on
what they build. The append-only triggers refuse only UPDATE and DELETE of entries, so the inserts
pass through them. Import this module after `django.setup()`.
"""

from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from credits import chain
from credits.models import Entry, YearScore
from credits.month_sums import KEY, sums_sql
from credits.services import household_open
from households.models import Household, Village


def fill_one_ledger(village, user, *, entries: int) -> Household:
    """A household with `entries` entries: awards, deductions, spending, and now and then a reversal."""
    household = household_open(village=village, number=f"S{entries}", head_name="李秀英", by=user)
    score = balance = household.score
    start = timezone.localdate() - timedelta(days=entries // 10)
    rows, previous_award = [], None
    for k in range(1, entries):
        kind, points, in_score, reverses = "award", 2, True, None
        if k % 10 == 0:
            kind, points = "deduction", -5
        elif k % 7 == 0 and balance >= 10:
            kind, points, in_score = "redemption", -10, False
        elif k % 25 == 0 and previous_award is not None:
            kind, points, reverses = "reversal", -previous_award.points, previous_award
            # The reversal hashes the id of the entry it points at, which must exist first: write
            # what we have so far.
            Entry.objects.bulk_create(rows, batch_size=2000)
            rows = []
        score += points if in_score else 0
        balance += points
        entry = Entry(
            household=household,
            kind=kind,
            points=points,
            in_score=in_score,
            occurred_on=start + timedelta(days=k // 10),
            recorded_by=user,
            score_after=score,
            balance_after=balance,
            reverses=reverses,
            note="基准",
            created_at=timezone.now(),
        )
        chain.link(entry, household=household)
        rows.append(entry)
        if kind == "award":
            previous_award = entry
        elif kind == "reversal":
            previous_award = None
    Entry.objects.bulk_create(rows, batch_size=2000)
    Household.objects.filter(pk=household.pk).update(score=score, balance=balance, chain_head=household.chain_head)
    years = (
        Entry.objects.filter(household=household, in_score=True)
        .exclude(kind__in=[Entry.Kind.OPENING, Entry.Kind.RESTART])
        .values(year=ExtractYear("occurred_on"))
        .annotate(points=Sum("points"))
    )
    YearScore.objects.filter(household=household).delete()
    YearScore.objects.bulk_create(
        YearScore(household=household, village=village, year=row["year"], points=row["points"]) for row in years
    )
    with connection.cursor() as cursor:
        insert_month_totals(cursor, [village.pk])
        set_last_awards(cursor, [village.pk])
    return household


def generate_ledger(town, user, *, households: int, per: int) -> None:
    """`households` households in villages of 1,000, each with `per` entries and a true chain."""
    villages = Village.objects.bulk_create(
        Village(code=f"gen{i}", name=f"第{i}村", town=town) for i in range((households + 999) // 1000)
    )
    ids = [v.pk for v in villages]
    with connection.cursor() as cursor:
        insert_select(
            cursor,
            "households_household",
            {
                "village_id": f"(ARRAY{ids})[(g - 1) / 1000 + 1]",
                "number": "lpad(((g - 1) % 1000 + 1)::text, 4, '0')",
                "head_name": "'户主' || g",
                "head_initials": "'hz'",
                "group": "'第' || ((g % 8) + 1) || '组'",
                "address": "''",
                "phone": "''",
                "active": "true",
                "chain_head": "''",
                "score": "0",
                "balance": "0",
                "created_at": "now()",
            },
            f"FROM generate_series(1, {households}) AS g",
        )
        # Entry k of each household: the opening, then awards, deductions (every 5th) and
        # spending (every 7th). Rows go in round by round, so households' entries interleave as
        # they do in a live ledger; the window sums give each row the household's totals so far.
        insert_chained(
            cursor,
            {
                "household_id": "household_id",
                "kind": "kind",
                "points": "points",
                "in_score": "in_score",
                "rule_name": "''",
                "domain_name": "''",
                "rule_standard": "''",
                "occurred_on": "occurred_on",
                "note": "''",
                "recorded_by_id": str(user.pk),
                "created_at": "now()",
                "score_after": "SUM(CASE WHEN in_score THEN points ELSE 0 END) OVER w",
                "balance_after": "SUM(points) OVER w",
            },
            f"""FROM (
                SELECT h.id AS household_id, k,
                       CASE WHEN k = 1 THEN 'opening' WHEN k % 7 = 0 THEN 'redemption'
                            WHEN k % 5 = 0 THEN 'deduction' ELSE 'award' END AS kind,
                       CASE WHEN k = 1 THEN 100 WHEN k % 7 = 0 THEN -10
                            WHEN k % 5 = 0 THEN -5 ELSE 1 + (h.id + k) % 5 END AS points,
                       k = 1 OR k % 7 <> 0 AS in_score,
                       current_date - {per * 15} + k * 15 AS occurred_on
                FROM households_household h CROSS JOIN generate_series(1, {per}) AS k
                WHERE h.village_id = ANY(ARRAY{ids})
            ) s
            WINDOW w AS (PARTITION BY household_id ORDER BY k)
            ORDER BY k, household_id""",
        )
        cursor.execute(
            """UPDATE households_household h SET score = s.score, balance = s.balance
               FROM (SELECT household_id, SUM(CASE WHEN in_score THEN points ELSE 0 END) AS score,
                            SUM(points) AS balance
                     FROM credits_entry GROUP BY household_id) s
               WHERE h.id = s.household_id AND h.village_id = ANY(%s)""",
            [ids],
        )
        insert_year_scores(cursor, f"h.village_id = ANY(ARRAY{ids})")
        insert_month_totals(cursor, ids)
        set_last_awards(cursor, ids)
    # A production database has been vacuumed and analysed; a fresh bulk load has not.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE households_household")
        cursor.execute("VACUUM ANALYZE credits_entry")


def insert_year_scores(cursor, households: str = "true") -> None:
    """Each household's points per year of deed, as the services keep them (`credits.models.YearScore`),
    for the households matching the SQL condition `households` (on `h`), which have none yet."""
    cursor.execute(
        f"""INSERT INTO credits_yearscore (household_id, village_id, year, points)
            SELECT e.household_id, h.village_id, EXTRACT(YEAR FROM e.occurred_on)::int, SUM(e.points)
            FROM credits_entry e JOIN households_household h ON h.id = e.household_id
            WHERE e.in_score AND e.kind NOT IN ('opening', 'restart') AND {households}
            GROUP BY 1, 2, 3"""
    )


def insert_month_totals(cursor, village_ids: list[int] | None = None) -> None:
    """The months' totals of the villages (all, by default) counted again from their entries, as the
    services keep them (`credits.models.MonthTotal`); on PostgreSQL and SQLite."""
    where = "1 = 1" if village_ids is None else f"h.village_id IN ({', '.join(str(int(i)) for i in village_ids)})"
    cursor.execute(f"DELETE FROM credits_monthtotal WHERE {where.replace('h.village_id', 'village_id')}")
    columns = ", ".join(f'"{c}"' for c in (*KEY, "count", "points"))
    cursor.execute(f"INSERT INTO credits_monthtotal ({columns}) {sums_sql(connection.vendor, where)}")


def set_last_awards(cursor, village_ids: list[int] | None = None) -> None:
    """Each household's latest award not undone (`Household.last_award_on`) read again from its entries,
    as the services keep it, for the villages' households (all, by default); on PostgreSQL and SQLite."""
    villages = "IS NOT NULL" if village_ids is None else f"IN ({', '.join(str(int(i)) for i in village_ids)})"
    awards = """FROM credits_entry e
                WHERE e.kind = 'award' AND NOT EXISTS (SELECT 1 FROM credits_entry x WHERE x.reverses_id = e.id)"""
    if connection.vendor == "postgresql":
        cursor.execute(
            f"""UPDATE households_household h SET last_award_on = a.last
                FROM (SELECT e.household_id, MAX(e.occurred_on) AS last {awards} GROUP BY e.household_id) a
                WHERE a.household_id = h.id AND h.village_id {villages}"""
        )
    else:
        cursor.execute(
            f"""UPDATE households_household SET last_award_on =
                    (SELECT MAX(e.occurred_on) {awards} AND e.household_id = households_household.id)
                WHERE village_id {villages}"""
        )


def insert_chained(cursor, values: dict[str, str], source: str) -> None:
    """INSERT … SELECT into the ledger with each household's hash chain, as the services would link it.

    `source` (`FROM … ORDER BY …`) gives the rows in the order they are to get their ids, each
    household's in its chain's order. The rows go to a temporary table first, numbered in that
    order; one pass in Python walks them household by household from the household's chain head,
    hashes each with `credits.chain` (so no second implementation of the hash can drift from it),
    and copies the hashes back; then one INSERT … SELECT writes the entries in order, and each
    household's head moves to its last hash. About 15 µs an entry for the hashing.
    """
    fill_required(cursor, "credits_entry", values)
    values = {c: v for c, v in values.items() if c not in ("hash_version", "previous_hash", "hash")}
    # The temporary table takes the ledger's own column types: a timestamp hashed as read back from it
    # must be the one the ledger stores.
    cursor.execute(
        "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
        "WHERE attrelid = 'credits_entry'::regclass AND attnum > 0 AND NOT attisdropped"
    )
    types = dict(cursor.fetchall())
    selected = ", ".join(
        f'CAST({expression} AS {types[column]}) AS "{column}"' for column, expression in values.items()
    )
    fields = chain.FIELDS[chain.VERSION]
    with transaction.atomic():
        cursor.execute("DROP TABLE IF EXISTS bench_entries, bench_hashes")
        cursor.execute(
            f"CREATE TEMP TABLE bench_entries ON COMMIT DROP AS "
            f"SELECT row_number() OVER () AS seq, o.* FROM (SELECT {selected} {source}) o"
        )
        cursor.execute(
            "CREATE TEMP TABLE bench_hashes (seq bigint PRIMARY KEY, previous_hash varchar(64), hash varchar(64))"
            " ON COMMIT DROP"
        )
        columns = ", ".join(f'e."{f}"' if f in values else f'NULL AS "{f}"' for f in fields)
        raw = connection.connection
        from psycopg.rows import namedtuple_row

        with raw.cursor(name="bench_chain", row_factory=namedtuple_row) as rows, raw.cursor() as out:
            rows.execute(
                f"SELECT e.seq, h.chain_head AS head, {columns} FROM bench_entries e "
                "JOIN households_household h ON h.id = e.household_id ORDER BY e.household_id, e.seq"
            )
            household, previous = None, ""
            while batch := rows.fetchmany(20_000):
                with out.copy("COPY bench_hashes (seq, previous_hash, hash) FROM STDIN") as copy:
                    for row in batch:
                        if row.household_id != household:
                            household, previous = row.household_id, row.head
                        digest = chain.entry_hash(row, previous=previous)
                        copy.write_row((row.seq, previous, digest))
                        previous = digest
        names = ", ".join(f'"{c}"' for c in values)
        cursor.execute(
            f"""INSERT INTO credits_entry ({names}, hash_version, previous_hash, hash)
                SELECT {", ".join(f'e."{c}"' for c in values)}, {chain.VERSION}, x.previous_hash, x.hash
                FROM bench_entries e JOIN bench_hashes x USING (seq) ORDER BY seq"""
        )
        cursor.execute(
            """UPDATE households_household h SET chain_head = l.hash
               FROM (SELECT DISTINCT ON (e.household_id) e.household_id, x.hash
                     FROM bench_entries e JOIN bench_hashes x USING (seq)
                     ORDER BY e.household_id, e.seq DESC) l
               WHERE h.id = l.household_id"""
        )


def insert_select(cursor, table: str, values: dict[str, str], source: str) -> None:
    """INSERT … SELECT, filling any required column the script does not know about (models grow)."""
    fill_required(cursor, table, values)
    columns = ", ".join(f'"{c}"' for c in values)
    cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {', '.join(values.values())} {source}")


def fill_required(cursor, table: str, values: dict[str, str]) -> None:
    """Give every required column of `table` that `values` lacks an expression (models grow)."""
    cursor.execute(
        """SELECT column_name, data_type, character_maximum_length FROM information_schema.columns
           WHERE table_schema = current_schema() AND table_name = %s
             AND is_nullable = 'NO' AND column_default IS NULL AND is_identity = 'NO'""",
        [table],
    )
    for column, data_type, length in cursor.fetchall():
        if column in values:
            continue
        if "char" in data_type or data_type == "text":
            # Unique by construction: such a column may be a unique code (a household's card).
            values[column] = f"left(md5(random()::text || clock_timestamp()::text), {length or 32})"
        elif data_type == "boolean":
            values[column] = "false"
        elif "timestamp" in data_type:
            values[column] = "now()"
        elif data_type == "date":
            values[column] = "current_date"
        else:
            values[column] = "0"
