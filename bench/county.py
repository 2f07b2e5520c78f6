"""A county's ledger for the public pages' benchmark: many villages, one of them big, two years of history.

Written below the services with `INSERT … SELECT` on PostgreSQL, like `bulk.py`, and as consistent
as the services would leave it: every household opens with its base score, then awards and
deductions of rules from the catalogue (their names and points copied), spread over the last two
years; now and then a reversal of the household's latest award; each entry's `score_after` and
`balance_after` are the running sums (window functions), the household caches its last ones, and
`credits_yearscore` holds each household's points per year of deed, `credits_monthtotal` each
village's months' totals, and the entries carry their
hash chain (`credits/chain.py`, hashed in Python by `bulk.insert_chained`, about 15 µs an entry).
`check()` proves all of it with the reconcile's own queries. Import this module after `django.setup()`.
"""

import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection

from bench.bulk import insert_chained, insert_month_totals, insert_select, insert_year_scores, set_last_awards
from credits.month_sums import month_total_differences
from credits.selectors import (
    chain_breaks,
    last_award_differences,
    ledger_differences,
    reversal_mismatches,
    site_template,
    year_score_differences,
)
from households.models import Town, Village

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "建国秀英美凤志强丽华海军桂兰永明春梅国平玉珍德明金花文斌晓燕红军雪芳立新淑贞"
# One in this many entries is a deduction; a household whose id is a multiple of REVERSED had its
# latest award reversed (a clerk's mistake, undone).
DEDUCTION_ONE_IN = 12
REVERSED = 40
HISTORY_DAYS = 730


@dataclass(frozen=True)
class County:
    big: Village  # the village the pages are measured on
    long_ids: list[int]  # its households with the longest histories
    households: int
    entries: int


def generate_county(
    user, *, households: int, big: int, village_size: int, per_mean: int, long: int, long_entries: int
) -> County:
    """`households` households: `big` of them in one village, the rest in villages of `village_size`.

    Each has 2 to 2 × `per_mean` − 2 entries (`per_mean` on average); `long` households of the big
    village have `long_entries` each, the longest histories in the county.
    """
    towns = Town.objects.bulk_create(Town(name=f"基准{i}镇") for i in range(1, 9))
    others = -(-(households - big) // village_size)
    villages = Village.objects.bulk_create(
        [Village(code="bench-big", name="大村", town=towns[0])]
        + [Village(code=f"bench-{i}", name=f"第{i}村", town=towns[i % len(towns)]) for i in range(1, others + 1)]
    )
    ids = [village.pk for village in villages]
    with connection.cursor() as cursor:
        with step("households"):
            _households(cursor, ids, households=households, big=big, village_size=village_size)
        first = "SELECT id FROM households_household WHERE village_id = %s ORDER BY id LIMIT %s"
        cursor.execute(first, [ids[0], long])
        long_ids = [row[0] for row in cursor.fetchall()]
        # Building the entries' indexes once afterwards is several times faster than keeping them
        # up to date row by row; the constraints' own indexes stay.
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute("SET work_mem = '1GB'")  # the window's sort of millions of rows, in memory
        cursor.execute("SET jit = off")  # compiling that one query would cost more than it saves
        with step("entries"), without_indexes(cursor, "credits_entry"):
            _entries(cursor, user, long_ids, per_mean=per_mean, long_entries=long_entries)
        with step("reversals"):
            _reversals(cursor)
        with step("caches and years' points"):
            _caches(cursor)
        cursor.execute("SELECT count(*) FROM credits_entry")
        entries = cursor.fetchone()[0]
    # A production database has been vacuumed and analysed; a fresh bulk load has not.
    with connection.cursor() as cursor, step("vacuum analyze"):
        for table in ("households_household", "credits_entry", "credits_yearscore"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    return County(big=villages[0], long_ids=long_ids, households=households, entries=entries)


@contextmanager
def step(label: str):
    """Say on stderr how long each step of the load took: the full county takes minutes."""
    started = time.perf_counter()
    yield
    print(f"  {label}: {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)


@contextmanager
def without_indexes(cursor, table: str):
    """Drop the table's plain indexes (not those of its constraints), and build them again after."""
    cursor.execute(
        """SELECT indexname, indexdef FROM pg_indexes i
           WHERE schemaname = current_schema() AND tablename = %s
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""",
        [table],
    )
    indexes = cursor.fetchall()
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    yield
    with step(f"{len(indexes)} indexes of {table}"):
        for _name, definition in indexes:
            cursor.execute(definition)


def _households(cursor, village_ids: list[int], *, households: int, big: int, village_size: int) -> None:
    # Households 1 … big live in the big village; the others fill villages of village_size in turn.
    place = f"CASE WHEN g <= {big} THEN 0 ELSE 1 + (g - {big} - 1) / {village_size} END"
    number = f"CASE WHEN g <= {big} THEN g ELSE (g - {big} - 1) % {village_size} + 1 END"
    insert_select(
        cursor,
        "households_household",
        {
            "village_id": f"(ARRAY{village_ids})[1 + {place}]",
            "number": f"lpad(({number})::text, 4, '0')",
            "head_name": f"substr('{SURNAMES}', 1 + g % {len(SURNAMES)}, 1)"
            f" || substr('{GIVEN}', 1 + 2 * ((g / 7) % {len(GIVEN) // 2}), 2)",
            "head_initials": "''",
            "group": "'第' || (g % 9 + 1) || '组'",
            "address": "''",
            "phone": "''",
            # One household in a hundred has closed: it keeps its history but leaves the rankings.
            "active": "g % 100 <> 0",
            "closed_on": "CASE WHEN g % 100 = 0 THEN current_date - 30 END",
            "score": "0",
            "balance": "0",
            "created_at": f"now() - interval '{HISTORY_DAYS} days'",
            "pin_hash": "''",
            "chain_head": "''",
            "card_token": "substr(md5('card' || g), 1, 22)",
        },
        f"FROM generate_series(1, {households}) AS g",
    )


def _entries(cursor, user, long_ids: list[int], *, per_mean: int, long_entries: int) -> None:
    """Entry k of household h: the opening, then awards and deductions drawn from the catalogue.

    The draws are multiplicative hashes of (h, k), so a run is repeatable and needs no volatile
    random(); rules are weighted by their yearly cap (垃圾分类, twelve a year, is common; 见义勇为 rare).
    """
    awards, deductions = [], []
    for rule in site_template().rules.filter(active=True).order_by("id"):
        if rule.points > 0:
            awards += [rule.pk] * (rule.cap_per_year or 1)
        else:
            deductions.append(rule.pk)
    spread = 2 * per_mean - 3  # 2 … 2 × per_mean − 2 entries: per_mean on average
    u1, u2 = _draw(7919, 104729), _draw(15485863, 3571)
    insert_chained(
        cursor,
        {
            "household_id": "household_id",
            "kind": "kind",
            "points": "points",
            "in_score": "true",
            "rule_id": "rule_id",
            "rule_name": "rule_name",
            "domain_name": "domain_name",
            "rule_standard": "''",
            "occurred_on": "occurred_on",
            "note": "''",
            "recorded_by_id": str(user.pk),
            "created_at": "occurred_on + time '09:30'",
            "score_after": "SUM(points) OVER w",
            "balance_after": "SUM(points) OVER w",
        },
        f"""FROM (
            SELECT d.household_id, d.k, d.occurred_on,
                   CASE WHEN d.k = 1 THEN 'opening' WHEN r.points < 0 THEN 'deduction' ELSE 'award' END AS kind,
                   CASE WHEN d.k = 1 THEN 100 ELSE r.points END AS points,
                   CASE WHEN d.k = 1 THEN NULL ELSE r.id END AS rule_id,
                   CASE WHEN d.k = 1 THEN '' ELSE r.name END AS rule_name,
                   CASE WHEN d.k = 1 THEN '' ELSE dm.name END AS domain_name
            FROM (
                SELECT h.id AS household_id, k,
                       current_date - {HISTORY_DAYS} + ((k - 1) * {HISTORY_DAYS} / n.total)::int AS occurred_on,
                       CASE WHEN {u1} < 1.0 / {DEDUCTION_ONE_IN}
                            THEN (ARRAY{deductions})[1 + floor({u2} * {len(deductions)})::int]
                            ELSE (ARRAY{awards})[1 + floor({u2} * {len(awards)})::int] END AS rule_id
                FROM households_household h
                CROSS JOIN LATERAL (SELECT CASE WHEN h.id = ANY(ARRAY{long_ids or [0]}::bigint[]) THEN {long_entries}
                                                ELSE 2 + (h.id * 2654435761) % {spread} END AS total) n
                CROSS JOIN LATERAL generate_series(1, n.total) AS k
            ) d
            LEFT JOIN credits_rule r ON r.id = d.rule_id
            LEFT JOIN credits_domain dm ON dm.id = r.domain_id
        ) s
        WINDOW w AS (PARTITION BY household_id ORDER BY k)
        ORDER BY occurred_on, household_id, k""",
    )


def _draw(a: int, b: int) -> str:
    """A number in [0, 1) that looks random for each (h, k): Knuth's multiplicative hash, in bigints."""
    return f"((((h.id * {a} + k * {b}) % 2147483648) * 2654435761) % 4294967296)::float8 / 4294967296"


def _reversals(cursor) -> None:
    """Undo the latest award of every REVERSED-th household, as the last entry of its chain."""
    insert_chained(
        cursor,
        {
            "household_id": "a.household_id",
            "kind": "'reversal'",
            "points": "-a.points",
            "in_score": "true",
            "rule_id": "a.rule_id",
            "rule_name": "a.rule_name",
            "domain_name": "a.domain_name",
            "rule_standard": "''",
            "occurred_on": "a.occurred_on",
            "note": "'录入错误'",
            "recorded_by_id": "a.recorded_by_id",
            "created_at": "now()",
            "score_after": "l.score_after - a.points",
            "balance_after": "l.balance_after - a.points",
            "reverses_id": "a.id",
        },
        f"""FROM (SELECT DISTINCT ON (household_id) * FROM credits_entry
                  WHERE kind = 'award' AND household_id % {REVERSED} = 0 ORDER BY household_id, id DESC) a
            JOIN (SELECT DISTINCT ON (household_id) household_id, score_after, balance_after FROM credits_entry
                  WHERE household_id % {REVERSED} = 0 ORDER BY household_id, id DESC) l USING (household_id)
            ORDER BY a.household_id""",
    )


def _caches(cursor) -> None:
    cursor.execute(
        """UPDATE households_household h SET score = l.score_after, balance = l.balance_after
           FROM (SELECT DISTINCT ON (household_id) household_id, score_after, balance_after
                 FROM credits_entry ORDER BY household_id, id DESC) l
           WHERE h.id = l.household_id"""
    )
    insert_year_scores(cursor)
    insert_month_totals(cursor)
    set_last_awards(cursor)


def check() -> str:
    """The reconcile's own proofs, over the whole county: chains, hashes, caches, reversals, years."""
    problems = {
        "ledger": len(ledger_differences()),
        "hashes": sum(1 for _ in chain_breaks()),
        "reversals": len(reversal_mismatches()),
        "years": len(year_score_differences()),
        "months": len(month_total_differences()),
        "latest awards": len(last_award_differences()),
    }
    assert not any(problems.values()), f"the generated county does not reconcile: {problems}"
    return (
        "the generated ledger reconciles: chains, hashes, caches, reversals, years' points, months' totals "
        "and latest awards"
    )
