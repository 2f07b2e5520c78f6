"""The entries a village's year close writes: the score restarting at the base, and the balance
expiring. For `years.services` only, which has locked the village's households and checked who acts.

Both write many households' entries in a fixed number of queries, chained and cached like any
other entry: a restart moves the score (and, being one signed number, the balance with it), so
a carry-over entry outside the score gives the balance back in the same transaction; an expiry
takes from the balance only, never below zero.
"""

from collections.abc import Callable
from datetime import date, datetime

from django.db.models import Case, Value, When
from django.utils import timezone

from credits import chain
from credits.models import Entry
from credits.services.checks import check_year_open, lock_households
from credits.services.months import add_to_months
from households.models import Household

Kind = Entry.Kind


def entry_year_restart(
    *, scores: dict[int, int], occurred_on: date, note: str, by, at: datetime | None = None
) -> list[Entry]:
    """Set each household's score (`scores`: household id → the score it starts the year with),
    keeping its balance: a restart entry and its carry-over, for each household whose score moves."""

    def rows(household: Household) -> list[tuple[str, int, bool]]:
        delta = scores[household.pk] - household.score
        return [(Kind.RESTART, delta, True), (Kind.CARRYOVER, -delta, False)] if delta else []

    return _append(scores, rows, occurred_on=occurred_on, note=note, by=by, at=at)


def entry_expire(
    *, amounts: dict[int, int], occurred_on: date, note: str, by, at: datetime | None = None
) -> list[Entry]:
    """Take `amounts` (household id → points) from the households' balances, each at most what
    it holds; a household left with nothing to expire gets no entry."""

    def rows(household: Household) -> list[tuple[str, int, bool]]:
        amount = min(amounts[household.pk], household.balance)
        return [(Kind.EXPIRY, -amount, False)] if amount > 0 else []

    return _append(amounts, rows, occurred_on=occurred_on, note=note, by=by, at=at)


def _append(ids, rows_for: Callable[[Household], list], *, occurred_on, note, by, at) -> list[Entry]:
    """Each household's rows (kind, points, in score) appended to its chain; the cached score,
    balance and head moved in one UPDATE. Closed households are left as they are."""
    ids = sorted(ids)
    if not ids:
        return []
    locked = lock_households(ids, by=by, scope_checked=True)
    check_year_open({household.village_id for household in locked}, occurred_on=occurred_on)
    now = at or timezone.now()
    entries: list[Entry] = []
    moved: list[Household] = []
    for household in locked:
        rows = rows_for(household) if household.active else []
        for kind, points, in_score in rows:
            household.score += points if in_score else 0
            household.balance += points
            entry = Entry(
                household=household,
                kind=kind,
                points=points,
                in_score=in_score,
                occurred_on=occurred_on,
                note=note,
                recorded_by=by,
                created_at=now,
                score_after=household.score,
                balance_after=household.balance,
            )
            chain.link(entry, household=household)
            entries.append(entry)
        if rows:
            moved.append(household)
    if moved:
        Household.objects.filter(pk__in=[household.pk for household in moved]).update(
            score=Case(*(When(pk=h.pk, then=Value(h.score)) for h in moved)),
            balance=Case(*(When(pk=h.pk, then=Value(h.balance)) for h in moved)),
            chain_head=Case(*(When(pk=h.pk, then=Value(h.chain_head)) for h in moved)),
        )
    add_to_months(entries)
    return Entry.objects.bulk_create(entries, batch_size=1000)
