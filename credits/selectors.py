"""Reads of the ledger and of the villages' catalogues."""

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import connection
from django.db.models import Exists, F, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from config.db import plan_once_cursor
from credits import chain, chain_sql
from credits.models import Catalogue, CatalogueVersion, Entry, Rule, YearScore
from households.models import Household, Village
from households.selectors import villages_for

# One pass over the ledger: each entry's *_after must equal the previous one's plus its own
# points (the chain), and each household's cached score and balance must equal its sums.
# Window functions run on SQLite ≥ 3.25 and on PostgreSQL alike.
RECONCILE_SQL = """
WITH chain AS (
    SELECT household_id, points, in_score, score_after, balance_after,
           LAG(score_after, 1, 0) OVER w AS prev_score,
           LAG(balance_after, 1, 0) OVER w AS prev_balance
    FROM credits_entry
    WINDOW w AS (PARTITION BY household_id ORDER BY id)
), sums AS (
    SELECT household_id,
           SUM(CASE WHEN in_score THEN points ELSE 0 END) AS score_sum,
           SUM(points) AS balance_sum,
           SUM(CASE WHEN score_after <> prev_score + CASE WHEN in_score THEN points ELSE 0 END
                     OR balance_after <> prev_balance + points THEN 1 ELSE 0 END) AS breaks
    FROM chain
    GROUP BY household_id
)
SELECT h.id, v.code, h.number, h.score, h.balance,
       COALESCE(s.score_sum, 0), COALESCE(s.balance_sum, 0), COALESCE(s.breaks, 0)
FROM households_household h
JOIN households_village v ON v.id = h.village_id
LEFT JOIN sums s ON s.household_id = h.id
WHERE h.score <> COALESCE(s.score_sum, 0)
   OR h.balance <> COALESCE(s.balance_sum, 0)
   OR COALESCE(s.breaks, 0) > 0
ORDER BY h.id
"""


@dataclass(frozen=True)
class LedgerDifference:
    household_id: int
    village_code: str
    number: str
    score: int
    balance: int
    score_sum: int
    balance_sum: int
    chain_breaks: int


def ledger_differences() -> list[LedgerDifference]:
    """Every household whose cache disagrees with its entries, or whose chain is broken."""
    with connection.cursor() as cursor:
        cursor.execute(RECONCILE_SQL)
        return [LedgerDifference(*row) for row in cursor.fetchall()]


# A reversal must undo exactly the entry it points at: same household, negated points, and the
# same standing toward the score. The schema cannot say this; the reconcile checks it.
REVERSAL_SQL = """
SELECT r.id, v.code, h.number
FROM credits_entry r
JOIN credits_entry o ON o.id = r.reverses_id
JOIN households_household h ON h.id = r.household_id
JOIN households_village v ON v.id = h.village_id
WHERE r.household_id <> o.household_id OR r.points <> -o.points OR r.in_score <> o.in_score
ORDER BY r.id
"""


def reversal_mismatches() -> list[tuple[int, str, str]]:
    """(entry id, village code, household number) of each reversal that does not undo its entry."""
    with connection.cursor() as cursor:
        cursor.execute(REVERSAL_SQL)
        return cursor.fetchall()


# Each household's cached points per year must equal the sum of that year's entries toward the
# score, the opening entry and year restarts excepted. Written as two outer joins, not one FULL JOIN,
# for SQLite versions before 3.39.
YEAR_SQL = """
WITH sums AS (
    SELECT household_id, {year} AS year, SUM(points) AS points
    FROM credits_entry
    WHERE in_score AND kind NOT IN ('opening', 'restart')
    GROUP BY household_id, {year}
)
SELECT s.household_id, s.year, COALESCE(y.points, 0), s.points
FROM sums s
LEFT JOIN credits_yearscore y ON y.household_id = s.household_id AND y.year = s.year
WHERE COALESCE(y.points, 0) <> s.points
UNION ALL
SELECT y.household_id, y.year, y.points, 0
FROM credits_yearscore y
WHERE y.points <> 0
  AND NOT EXISTS (SELECT 1 FROM sums s WHERE s.household_id = y.household_id AND s.year = y.year)
"""
YEAR_OF_DEED = {
    "postgresql": "CAST(EXTRACT(YEAR FROM occurred_on) AS INTEGER)",
    "sqlite": "CAST(strftime('%Y', occurred_on) AS INTEGER)",
}


def year_score_differences() -> list[tuple[int, int, int, int]]:
    """(household id, year, cached points, entries' sum) wherever the year's cache is wrong."""
    with connection.cursor() as cursor:
        cursor.execute(YEAR_SQL.format(year=YEAR_OF_DEED[connection.vendor]))
        return cursor.fetchall()


# Each household's cached latest award not undone (`Household.last_award_on`) must be the latest deed
# date of its awards that no reversal points at (none: NULL).
LAST_AWARD_SQL = """
SELECT h.id, h.last_award_on, a.last
FROM households_household h
LEFT JOIN (
    SELECT e.household_id, MAX(e.occurred_on) AS last
    FROM credits_entry e
    WHERE e.kind = 'award' AND NOT EXISTS (SELECT 1 FROM credits_entry x WHERE x.reverses_id = e.id)
    GROUP BY e.household_id
) a ON a.household_id = h.id
WHERE h.last_award_on <> a.last OR (h.last_award_on IS NULL) <> (a.last IS NULL)
ORDER BY h.id
"""


def last_award_differences() -> list[tuple[int, date | None, date | None]]:
    """(household id, cached latest award, the entries' latest award) wherever the cache is wrong."""
    field = Household._meta.get_field("last_award_on")
    with connection.cursor() as cursor:
        cursor.execute(LAST_AWARD_SQL)
        return [
            (pk, *(field.to_python(value) if isinstance(value, str) else value for value in dates))
            for pk, *dates in cursor.fetchall()
        ]


def statement(household: Household, *, recorded_by: bool = True) -> QuerySet[Entry]:
    """A household's entries, newest first, as its bank book reads, each with the reversal that
    undid it (if any) and, unless told not to, who recorded it: in one query, however long the page.
    The entry a reversal undoes is only named (`reverses_id`), so it is not read."""
    related = ("recorded_by", "reversal") if recorded_by else ("reversal",)
    return household.entries.select_related(*related).order_by("-id")


@dataclass(frozen=True)
class Standing:
    """Where a household stands in its village: the ranks the lookup shows."""

    rank: int  # by score, among the village's active households; equal scores share a rank
    year: int
    year_points: int
    year_rank: int  # by this year's points, likewise
    households: int  # active households in the village


# Where a household stands, in one statement (it was five; the lookup page runs it on every
# visit). The village's active households are counted in one pass; this year's points are counted
# on the (village, year, points) index alone and the village's few closed households taken off
# after, since joining every row to its household to ask whether it is active costs more. Plain
# SQL, which both databases read alike: the ORM spent more time building this than the database
# spends running it.
STANDING_SQL = """
SELECT h.households, h.ahead,
       (SELECT COUNT(*) FROM credits_yearscore
        WHERE village_id = %(village)s AND year = %(year)s AND points > %(mine)s),
       (SELECT COUNT(*) FROM credits_yearscore y JOIN households_household c ON c.id = y.household_id
        WHERE y.village_id = %(village)s AND y.year = %(year)s AND y.points > %(mine)s
          AND c.village_id = %(village)s AND NOT c.active),
       {rows}
FROM (SELECT COUNT(*) AS households, COALESCE(SUM(CASE WHEN score > %(score)s THEN 1 ELSE 0 END), 0) AS ahead
      FROM households_household WHERE village_id = %(village)s AND active) h
"""
# Below zero points, the households with nothing recorded this year (no row) are ahead too: the
# rows of the year are counted then, less the closed households' rows.
STANDING_ROWS_SQL = """(SELECT COUNT(*) FROM credits_yearscore
        WHERE village_id = %(village)s AND year = %(year)s)
     - (SELECT COUNT(*) FROM credits_yearscore y JOIN households_household c ON c.id = y.household_id
        WHERE y.village_id = %(village)s AND y.year = %(year)s AND c.village_id = %(village)s AND NOT c.active)"""


def standing(household: Household, *, year: int, year_points: int | None = None) -> Standing:
    """One indexed query, however long the ledger and however large the village.

    `year_points`, the household's points of `year` when the caller read them already (with the
    household, say), spares a query for them."""
    mine = year_points
    if mine is None:
        mine = YearScore.objects.filter(household=household, year=year).values_list("points", flat=True).first() or 0
    params = {"village": household.village_id, "year": year, "mine": mine, "score": household.score}
    # Planned once a connection: planning it cost as much as running it (1.6 ms at 1,000,000 households).
    with plan_once_cursor() as cursor:
        cursor.execute(STANDING_SQL.format(rows=STANDING_ROWS_SQL if mine < 0 else "0"), params)
        households, ahead, year_ahead, closed_ahead, active_rows = cursor.fetchone()
    year_ahead -= closed_ahead
    if mine < 0:
        year_ahead += households - active_rows
    return Standing(
        rank=1 + ahead,
        year=year,
        year_points=mine,
        year_rank=1 + year_ahead,
        households=households,
    )


def year_points_by_domain(household: Household, *, year: int) -> list[tuple[str | None, int]]:
    """This year's points of a household in each domain it was recorded under, in the order first
    recorded; None for the points outside the catalogue (adjustments)."""
    rows = (
        household.entries.filter(in_score=True, occurred_on__year=year)
        .exclude(kind__in=[Entry.Kind.OPENING, Entry.Kind.RESTART])
        .values("domain_name")
        .annotate(points=Sum("points"), first=Min("id"))
        .order_by("first")
    )
    # By the domain each entry was recorded under; adjustments have none.
    return [(row["domain_name"] or None, row["points"]) for row in rows]


def catalogues_for(user, *, write: bool = False) -> QuerySet[Catalogue]:
    """The catalogues `user` may read, or with `write` change.

    Clerks change their villages' own; they and officers read their villages' and the templates
    of their towns and of the site, to start from. Superusers keep every one, templates too.
    """
    if user.is_active and user.is_superuser:
        return Catalogue.objects.all()
    villages = villages_for(user, write=write)
    scope = Q(village__in=villages)
    if not write and villages.exists():
        scope |= Q(village__isnull=True, town__in=villages.values("town")) | Q(village__isnull=True, town__isnull=True)
    return Catalogue.objects.filter(scope)


def versions_for(user, *, write: bool = False) -> QuerySet[CatalogueVersion]:
    return CatalogueVersion.objects.filter(catalogue__in=catalogues_for(user, write=write))


def rules_for(user, *, write: bool = False) -> QuerySet[Rule]:
    return Rule.objects.filter(version__catalogue__in=catalogues_for(user, write=write))


def version_in_force(village_id: int, *, on: date) -> CatalogueVersion | None:
    """The adopted version of the village's catalogue in force on a day, if any."""
    return (
        CatalogueVersion.objects.filter(
            catalogue__village_id=village_id, adopted_on__isnull=False, effective_from__lte=on
        )
        .order_by("-effective_from")
        .first()
    )


def may_read_minutes(user, version: CatalogueVersion, *, on: date) -> bool:
    """Whether `user` may open the scanned minutes of `version`.

    Who may read the version may read its minutes (its village's clerks, its town's officers,
    superusers). The version a village has in force is public, as its rules page is, so anyone
    may read that version's minutes; a past or a coming version's stay with the staff.
    """
    if not version.minutes:
        return False
    if versions_for(user).filter(pk=version.pk).exists():
        return True
    village_id = version.catalogue.village_id
    return village_id is not None and version_in_force(village_id, on=on) == version


def rules_in_force(village_ids, *, on: date) -> QuerySet[Rule]:
    """The active rules the villages' catalogues have in force on a day, in catalogue order."""
    versions = [version.pk for village_id in village_ids if (version := version_in_force(village_id, on=on))]
    return (
        Rule.objects.filter(version__in=versions, active=True)
        .select_related("domain", "version__catalogue__village")
        .order_by("version__catalogue__village__name", "domain__position", "domain_id", "position", "id")
    )


def version_after(version: CatalogueVersion) -> CatalogueVersion | None:
    """The adopted version that follows `version` in its catalogue (and ends its time in force)."""
    return (
        version.catalogue.versions.filter(adopted_on__isnull=False, effective_from__gt=version.effective_from)
        .order_by("effective_from")
        .first()
    )


def site_template() -> CatalogueVersion | None:
    """The latest adopted version of the site's own template, the catalogue villages start from."""
    return (
        CatalogueVersion.objects.filter(
            catalogue__village__isnull=True, catalogue__town__isnull=True, adopted_on__isnull=False
        )
        .order_by("-catalogue_id", "-number")
        .first()
    )


def chain_breaks() -> Iterator[chain.Break]:
    """Every break in every household's hash chain, in one pass over the ledger in chain order: in
    PostgreSQL's SQL where it can (`credits.chain_sql`), else walked in Python."""
    if chain_sql.usable():
        yield from chain_sql.breaks()
    else:
        yield from _walked_breaks()
    yield from _emptied_heads()


def _emptied_heads() -> Iterator[chain.Break]:
    # A household whose every entry is gone still has its head.
    emptied = Household.objects.exclude(chain_head="").filter(~Exists(Entry.objects.filter(household=OuterRef("pk"))))
    for household_id in emptied.values_list("pk", flat=True):
        yield chain.Break(household_id, None, "head")


def ledger_and_chain() -> tuple[list[LedgerDifference], list[chain.Break]]:
    """`ledger_differences()` and `chain_breaks()` together, as reconcile reads them: on PostgreSQL
    the two share their pass over the ledger in chain order (`chain_sql.books`)."""
    if not chain_sql.usable():
        return ledger_differences(), list(chain_breaks())
    differences, found = chain_sql.books()
    return [LedgerDifference(*row) for row in differences], found + list(_emptied_heads())


def _walked_breaks() -> Iterator[chain.Break]:
    fields = sorted(set(itertools.chain(*chain.FIELDS.values())) | {"id", "hash_version", "previous_hash", "hash"})
    rows = (
        Entry.objects.order_by("household_id", "id")
        .values_list(*fields, "household__chain_head", named=True)
        .iterator(chunk_size=5000)
    )
    for household_id, entries in itertools.groupby(rows, key=lambda row: row.household_id):
        entries = list(entries)
        yield from chain.breaks(household_id, entries, entries[0].household__chain_head)


def _heads(households: QuerySet[Household], at: datetime | None) -> QuerySet:
    """(household id, chain head) in id order: now, or as it stood at `at` (households opened since
    left out)."""
    if at is not None:
        newest = Entry.objects.filter(household=OuterRef("pk"), created_at__lte=at).order_by("-id")
        households = households.annotate(chain_head_then=Subquery(newest.values("hash")[:1])).exclude(
            chain_head_then=None
        )
        return households.order_by("pk").values_list("pk", F("chain_head_then"))
    return households.order_by("pk").values_list("pk", "chain_head")


# How far back a shown fingerprint stands: a writer that took its time before this moment has
# committed by now, so the code shown is the one the books will always give for that moment.
FINGERPRINT_SETTLE = timedelta(seconds=5)


def fingerprint_time() -> datetime:
    """The moment a fingerprint is shown for: a little in the past, in whole seconds, as printed."""
    return (timezone.now() - FINGERPRINT_SETTLE).replace(microsecond=0)


def village_fingerprint(village: Village, *, at: datetime | None = None) -> str:
    """The village's code over all its households' chain heads (one query), now or at `at`."""
    return chain.village_fingerprint(_heads(Household.objects.filter(village=village), at))


def household_fingerprint(household: Household, *, at: datetime | None = None) -> str:
    """The household's code of its chain head, now (no query) or at `at`."""
    if at is None:
        return chain.household_fingerprint(household.chain_head)
    heads = list(_heads(Household.objects.filter(pk=household.pk), at))
    return chain.household_fingerprint(heads[0][1] if heads else "")


@dataclass(frozen=True)
class PublishedDomain:
    name: str
    description: str
    rules: list[Rule]


@dataclass(frozen=True)
class PublishedCatalogue:
    """A village's catalogue as it is published (村规民约): the version in force today, and the
    next one when it is already adopted and takes effect later."""

    version: CatalogueVersion
    domains: list[PublishedDomain]
    next_version: CatalogueVersion | None


def published_catalogue(village_id: int, *, on: date) -> PublishedCatalogue | None:
    """Three queries, whatever the size of the catalogue."""
    version = version_in_force(village_id, on=on)
    if version is None:
        return None
    rules: dict[int, list[Rule]] = {}
    for rule in version.rules.filter(active=True).order_by("position", "id"):
        rules.setdefault(rule.domain_id, []).append(rule)
    domains = [
        PublishedDomain(name=domain.name, description=domain.description, rules=rules[domain.pk])
        for domain in version.domains.order_by("position", "id")
        if domain.pk in rules
    ]
    next_version = (
        CatalogueVersion.objects.filter(
            catalogue_id=version.catalogue_id, adopted_on__isnull=False, effective_from__gt=on
        )
        .order_by("effective_from")
        .first()
    )
    return PublishedCatalogue(version=version, domains=domains, next_version=next_version)
