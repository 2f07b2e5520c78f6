"""What the ledger checks before it writes: the households' lock and scope, the rule in force on the
deed's date and its caps, and the dates (not in the future, not before a household's opening or its
village's earliest date, not in a closed year). For the ledger's services (`ledger`, `openings`,
`year_start`), which call them inside their transaction, the lock first.
"""

from datetime import date, timedelta

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import formats, timezone

from credits.errors import BeforeEarliestDeed, BeforeOpening, FutureDate, RuleNotInForce, YearClosed
from credits.models import Entry, Rule
from credits.selectors import version_in_force
from credits.services import posting
from households.errors import DomainError, NotYours
from households.models import Household, Village
from households.selectors import villages_for

Kind = Entry.Kind


def lock_households(ids: list[int], *, by, scope_checked: bool = False) -> list[Household]:
    """Lock the households' rows for this transaction, in id order, after checking scope.

    The ledger's one `select_for_update`. Taking rows in one fixed order means two batches
    sharing households wait for each other instead of deadlocking. The shop locks its products
    before calling in here (see `exchange.services`), and the ledger never locks a product, so
    the two lock orders cannot cross. On SQLite the IMMEDIATE transaction has already serialized
    writers and this lock is a no-op. `scope_checked` is for the exchange, whose shopkeepers are
    scoped by their shop rather than as clerks of a village.
    """
    households = list(Household.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    if len(households) != len(ids):
        raise NotYours()
    if not scope_checked:
        village_ids = {household.village_id for household in households}
        if villages_for(by, write=True).filter(pk__in=village_ids).count() != len(village_ids):
            raise NotYours()
    return households


def lock_checked(pk: int) -> Household:
    """`lock_households` for one household whose scope the caller has checked (the exchange): on
    PostgreSQL in a prepared statement."""
    if not posting.fast():
        (household,) = lock_households([pk], by=None, scope_checked=True)
        return household
    household = posting.lock_household(pk)
    if household is None:
        raise NotYours()
    return household


def rule_in_force(rule: Rule, *, village_ids: set[int], on: date) -> Rule:
    """The rule with `rule`'s key in the version of its village's catalogue in force on `on`.

    The households must all be of the rule's village: another village's rule is not found.
    """
    if village_ids != {rule.version.catalogue.village_id}:
        raise NotYours()
    version = version_in_force(rule.version.catalogue.village_id, on=on)
    applied = version and version.rules.select_related("domain").filter(key=rule.key).first()
    if not applied:
        raise RuleNotInForce(rule=rule.name, date=formats.date_format(on))
    return applied


def uses(ids: list[int], *, rule: Rule, on: date) -> tuple[dict[int, int], dict[int, int]]:
    """How many times each household was recorded for `rule` (in any version of its catalogue) in
    the year and in the month of `on`, not counting reversed entries."""
    if rule.cap_per_year is None and rule.cap_per_month is None:
        return {}, {}
    month = on.replace(day=1)
    rows = (
        Entry.objects.filter(
            household_id__in=ids,
            rule__in=Rule.objects.filter(version__catalogue_id=rule.version.catalogue_id, key=rule.key),
            kind__in=[Kind.AWARD, Kind.DEDUCTION],
            occurred_on__gte=on.replace(month=1, day=1),
            occurred_on__lt=on.replace(year=on.year + 1, month=1, day=1),
            reversal__isnull=True,
        )
        .values("household_id")
        .annotate(
            year=Count("id"), month=Count("id", filter=Q(occurred_on__gte=month, occurred_on__lt=next_month(month)))
        )
    )
    return {r["household_id"]: r["year"] for r in rows}, {r["household_id"]: r["month"] for r in rows}


def next_month(first: date) -> date:
    return (first + timedelta(days=32)).replace(day=1)


def too_early(ids: list[int], *, occurred_on: date) -> dict[int, DomainError]:
    """The households for which `occurred_on` comes before their opening (the date of their opening
    entry) or before their village's earliest date of a deed, with the reason; one query."""
    # The opening is the household's first entry: read from the old end of its (household, id) index,
    # not found by reading its whole history.
    opening = (
        Entry.objects.filter(household=OuterRef("pk"), kind=Kind.OPENING).order_by("id").values("occurred_on")[:1]
    )
    rows = (
        Household.objects.filter(pk__in=ids)
        .annotate(opened_on=Subquery(opening))
        .values_list("pk", "number", "opened_on", "village__name", "village__earliest_deed_on")
    )
    refusals: dict[int, DomainError] = {}
    for pk, number, opened_on, village, earliest in rows:
        if earliest and occurred_on < earliest:
            refusals[pk] = BeforeEarliestDeed(village=village, earliest=earliest.isoformat())
        elif opened_on and occurred_on < opened_on:
            refusals[pk] = BeforeOpening(number=number, opened=opened_on.isoformat())
    return refusals


def check_year_open(village_ids: set[int], *, occurred_on: date) -> None:
    """Refuse a date in a year its village has closed, or before it; one query.

    Called with the households already locked: a close locks every household of its village
    before it marks the year closed (`years.services.year_close`), so a writer either committed
    before the close read the books, or reads the closed year here once the close has committed.
    """
    closed = (
        Village.objects.filter(pk__in=village_ids, closed_year__gte=occurred_on.year)
        .values_list("name", "closed_year")
        .first()
    )
    if closed:
        name, year = closed
        raise YearClosed(village=name, year=year, end=formats.date_format(date(year, 12, 31)))


def check_date(occurred_on: date) -> None:
    if occurred_on > timezone.localdate():
        raise FutureDate()
