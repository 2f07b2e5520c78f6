"""Bulk ledger history for the benchmarks, written below the services because of its size.

Writing two million entries one service call at a time would take hours. These helpers write
the same rows directly — `bulk_create`, and `INSERT … SELECT generate_series` with window sums —
each with a true `score_after`/`balance_after` chain and a matching household cache, so the
ledger they leave reconciles. The append-only triggers refuse only UPDATE and DELETE of entries,
so the inserts pass through them. `fill_one_ledger` chains its entries' hashes as the services do;
`generate_ledger`'s SQL cannot (`credits/chain.py` hashes in Python), so `reconcile` reports those.
Import this module after `django.setup()`.
"""

from datetime import timedelta

from django.db import connection
from django.utils import timezone

from credits import chain
from credits.models import Entry
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
            # The reversal points at an entry that must exist first: write what we have so far.
            Entry.objects.bulk_create(rows[:-1], batch_size=2000)
            Entry.objects.bulk_create(rows[-1:])
            rows = []
    Entry.objects.bulk_create(rows, batch_size=2000)
    Household.objects.filter(pk=household.pk).update(score=score, balance=balance, chain_head=household.chain_head)
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
                "score": "0",
                "balance": "0",
                "created_at": "now()",
            },
            f"FROM generate_series(1, {households}) AS g",
        )
        # Entry k of each household: the opening, then awards, deductions (every 5th) and
        # spending (every 7th). Rows go in round by round, so households' entries interleave as
        # they do in a live ledger; the window sums give each row the household's totals so far.
        insert_select(
            cursor,
            "credits_entry",
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
                "hash_version": "1",
                "previous_hash": "''",
                "hash": "''",
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
    # A production database has been vacuumed and analysed; a fresh bulk load has not.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE households_household")
        cursor.execute("VACUUM ANALYZE credits_entry")


def insert_select(cursor, table: str, values: dict[str, str], source: str) -> None:
    """INSERT … SELECT, filling any required column the script does not know about (models grow)."""
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
    columns = ", ".join(f'"{c}"' for c in values)
    cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {', '.join(values.values())} {source}")
