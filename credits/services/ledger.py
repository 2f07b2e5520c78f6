"""The ledger's entries: awards, deductions, adjustments, reversals, spending and refunds.

Every function here writes its entries and the household's cached score and balance in one
transaction. The household rows are locked first, always in id order (see `checks.lock_households`),
and only then checked, so a check (closed? cap reached? enough to spend?) cannot be invalidated
by a concurrent writer before the entry lands.
"""

from collections.abc import Iterable
from datetime import date, datetime

from django.db import connection, transaction
from django.db.models import Case, Exists, F, OuterRef, Value, When
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from credits import chain
from credits.errors import (
    AlreadyReversed,
    BatchRefused,
    InsufficientBalance,
    NotReversible,
    ReasonRequired,
    ReducedPointsOutOfRange,
    RuleCapReached,
    RuleMonthCapReached,
    RuleRetired,
    ZeroPoints,
)
from credits.models import Entry, Rule, YearScore
from credits.services import checks, posting
from credits.services.awards import last_award_update
from credits.services.months import add_to_months
from households.errors import DomainError, HouseholdClosed
from households.models import Household, Village

Kind = Entry.Kind
# Households a statement of `_add_to_year` moves: four parameters each, under both databases' limits.
YEAR_ROWS = 5000


def entry_record(
    *,
    household: Household,
    rule: Rule,
    occurred_on: date,
    by,
    note: str = "",
    at: datetime | None = None,
    points: int | None = None,
    scope_checked: bool = False,
) -> Entry:
    """Record one occurrence of a rule for one household: an award or a deduction.

    The same as a batch of one, and on PostgreSQL in two round trips (`credits.services.posting`)
    where the plain path takes eight or more; a refusal is still named by the plain path."""
    arguments = {
        "rule": rule,
        "occurred_on": occurred_on,
        "by": by,
        "note": note,
        "at": at,
        "points": points,
        "scope_checked": scope_checked,
    }
    if not posting.fast():
        (entry,) = entry_record_batch(households=[household], **arguments)
        return entry
    checks.check_date(occurred_on)
    with transaction.atomic():
        entry = posting.record_fast(household=household, **arguments)
        if entry is None:
            (entry,) = entry_record_batch(households=[household], **arguments)
        return entry


def entry_record_batch(
    *,
    households: Iterable[Household],
    rule: Rule,
    occurred_on: date,
    by,
    note: str = "",
    at: datetime | None = None,
    points: int | None = None,
    scope_checked: bool = False,
) -> list[Entry]:
    """Record one rule for many households of one village, all or nothing.

    `rule` names the rule; what is applied is that rule (the same key) in the version of the
    village's catalogue in force on the day of the deed, and the entry keeps a copy of its name,
    points, domain and standard. A rule of another village is never applied: it is not found.
    Refuses the whole batch if any household is closed or has reached the rule's yearly or
    monthly cap, naming each such household. A fixed number of queries whatever their number.

    `points`, when given, is what a review reduced the rule's points to (`cases`): of the rule's
    sign and smaller. `scope_checked` is for `cases`, which checked the recorder's scope when the
    case was opened and finalises it later, perhaps from cron.
    """
    checks.check_date(occurred_on)
    ids = sorted({h.pk for h in households})
    with transaction.atomic():
        locked = checks.lock_households(ids, by=by, scope_checked=scope_checked)
        checks.check_year_open({household.village_id for household in locked}, occurred_on=occurred_on)
        # A date before the household's opening is the clearer reason than a catalogue not yet in force.
        too_early = checks.too_early(ids, occurred_on=occurred_on)
        if len(locked) == 1 and too_early:
            raise too_early[locked[0].pk]
        rule = checks.rule_in_force(rule, village_ids={household.village_id for household in locked}, on=occurred_on)
        if not rule.active:
            raise RuleRetired(rule=rule.name)
        kind = Kind.AWARD if rule.points > 0 else Kind.DEDUCTION
        applied = rule.points if points is None else points
        if applied == 0 or (applied > 0) != (rule.points > 0) or abs(applied) > abs(rule.points):
            raise ZeroPoints() if applied == 0 else ReducedPointsOutOfRange(points=rule.points)
        used_in_year, used_in_month = checks.uses(ids, rule=rule, on=occurred_on)
        refusals: list[tuple[Household, DomainError]] = []
        for household in locked:
            if not household.active:
                refusals.append((household, HouseholdClosed(number=household.number)))
            elif household.pk in too_early:
                refusals.append((household, too_early[household.pk]))
            elif rule.cap_per_year is not None and used_in_year.get(household.pk, 0) >= rule.cap_per_year:
                error = RuleCapReached(
                    number=household.number, rule=rule.name, cap=rule.cap_per_year, year=occurred_on.year
                )
                refusals.append((household, error))
            elif rule.cap_per_month is not None and used_in_month.get(household.pk, 0) >= rule.cap_per_month:
                month = formats.date_format(occurred_on, "YEAR_MONTH_FORMAT")
                error = RuleMonthCapReached(
                    number=household.number, rule=rule.name, cap=rule.cap_per_month, month=month
                )
                refusals.append((household, error))
        if len(refusals) == 1 and len(locked) == 1:
            raise refusals[0][1]
        if refusals:
            raise BatchRefused([(household, error.message) for household, error in refusals])
        now = at or timezone.now()
        entries = []
        for household in locked:
            entry = Entry(
                household=household,
                kind=kind,
                points=applied,
                in_score=True,
                rule=rule,
                rule_name=rule.name,
                domain_name=rule.domain.name,
                rule_standard=rule.description,
                occurred_on=occurred_on,
                note=note.strip(),
                recorded_by=by,
                created_at=now,
                score_after=household.score + applied,
                balance_after=household.balance + applied,
            )
            chain.link(entry, household=household)
            entries.append(entry)
        Household.objects.filter(pk__in=ids).update(
            score=F("score") + applied,
            balance=F("balance") + applied,
            chain_head=Case(*(When(pk=household.pk, then=Value(household.chain_head)) for household in locked)),
            **last_award_update(entries[0]),
        )
        _add_to_year(locked, year=occurred_on.year, points=applied)
        add_to_months(entries)
        return Entry.objects.bulk_create(entries)


def entry_adjust(
    *,
    household: Household,
    points: int,
    reason: str,
    by,
    occurred_on: date | None = None,
    at: datetime | None = None,
    scope_checked: bool = False,
) -> Entry:
    """A manual correction outside the catalogue; it counts toward the score and needs a reason.

    `scope_checked` as for `entry_record_batch`."""
    if not reason.strip():
        raise ReasonRequired()
    if points == 0:
        raise ZeroPoints()
    occurred_on = occurred_on or timezone.localdate()
    checks.check_date(occurred_on)
    with transaction.atomic():
        (locked,) = checks.lock_households([household.pk], by=by, scope_checked=scope_checked)
        if too_early := checks.too_early([locked.pk], occurred_on=occurred_on):
            raise too_early[locked.pk]
        return _post(
            household=locked,
            kind=Kind.ADJUSTMENT,
            points=points,
            occurred_on=occurred_on,
            note=reason.strip(),
            by=by,
            at=at,
        )


def entry_reverse(*, entry: Entry, reason: str, by, at: datetime | None = None) -> Entry:
    """Undo a mistaken entry with a reversal entry that points at it; each entry at most once.

    The reversal carries the date of the deed it undoes, so yearly and per-domain figures net
    out in the period the mistake was made in; `created_at` says when it was undone.
    Spending at the shop is undone by voiding the redemption, which returns the goods as well,
    so redemptions are refused here.
    """
    if not reason.strip():
        raise ReasonRequired()
    with transaction.atomic():
        (household,) = checks.lock_households([entry.household_id], by=by)
        if entry.kind == Kind.REVERSAL:
            raise NotReversible(_("A reversal cannot itself be reversed."))
        if entry.kind == Kind.OPENING:
            raise NotReversible(_("An opening entry cannot be reversed; record an adjustment instead."))
        if entry.kind == Kind.REDEMPTION:
            raise NotReversible(_("Spending at the shop is undone by voiding the redemption."))
        if entry.kind in (Kind.RESTART, Kind.CARRYOVER, Kind.EXPIRY):
            raise NotReversible(_("The year close wrote this entry; record an adjustment instead."))
        return _reverse_locked(entry=entry, household=household, reason=reason, by=by, at=at)


def entry_spend(*, household: Household, points: int, by, note: str = "", at: datetime | None = None) -> Entry:
    """Take `points` from a household's balance for goods; its score is untouched.

    For the exchange only, which has already checked that `by` serves this household's village
    and, keeping the shop's lock order, has already locked the products being sold. `at` is when
    the sale happened, if not now (the exchange's `redemption_create` says why).
    """
    if points <= 0:
        raise ZeroPoints()
    # Called inside the exchange's transaction: no savepoint of its own, since any refusal here
    # undoes the whole redemption anyway.
    with transaction.atomic(savepoint=False):
        locked = checks.lock_checked(household.pk)
        if locked.active and locked.balance < points:
            raise InsufficientBalance(number=locked.number, balance=locked.balance, cost=points)
        return _post(
            household=locked,
            kind=Kind.REDEMPTION,
            points=-points,
            in_score=False,
            occurred_on=timezone.localdate(at),
            note=note,
            by=by,
            at=at,
        )


def entry_refund(*, entry: Entry, reason: str, by, at: datetime | None = None) -> Entry:
    """Return the points of a voided redemption with a reversal of its entry. For the exchange only."""
    if entry.kind != Kind.REDEMPTION:
        raise NotReversible()
    if not reason.strip():
        raise ReasonRequired()
    # Called inside the exchange's transaction: no savepoint of its own, since any refusal here
    # undoes the whole redemption anyway.
    with transaction.atomic(savepoint=False):
        household = checks.lock_checked(entry.household_id)
        return _reverse_locked(entry=entry, household=household, reason=reason, by=by, at=at)


def _reverse_locked(*, entry: Entry, household: Household, reason: str, by, at: datetime | None = None) -> Entry:
    if Entry.objects.filter(reverses=entry).exists():
        raise AlreadyReversed()
    return _post(
        household=household,
        kind=Kind.REVERSAL,
        points=-entry.points,
        in_score=entry.in_score,
        rule=entry.rule,
        rule_name=entry.rule_name,
        domain_name=entry.domain_name,
        rule_standard=entry.rule_standard,
        occurred_on=entry.occurred_on,
        note=reason.strip(),
        by=by,
        reverses=entry,
        at=at,
    )


def _post(
    *,
    household: Household,
    kind: str,
    points: int,
    occurred_on: date,
    by,
    in_score: bool = True,
    rule: Rule | None = None,
    rule_name: str = "",
    domain_name: str = "",
    rule_standard: str = "",
    note: str = "",
    reverses: Entry | None = None,
    at: datetime | None = None,
) -> Entry:
    """Append one entry to a locked household's ledger and move its cached score and balance.

    A spending entry (negative, outside the score) carries the guard `balance >= cost` in its
    UPDATE, so even a caller that forgot the lock cannot spend what is not there.
    """
    if not household.active:
        raise HouseholdClosed(number=household.number)
    score_delta = points if in_score else 0
    entry = Entry(
        household=household,
        kind=kind,
        points=points,
        in_score=in_score,
        rule=rule,
        rule_name=rule_name,
        domain_name=domain_name,
        rule_standard=rule_standard,
        occurred_on=occurred_on,
        note=note,
        recorded_by=by,
        score_after=household.score + score_delta,
        balance_after=household.balance + points,
        reverses=reverses,
        created_at=at or timezone.now(),
    )
    previous_head = household.chain_head
    chain.link(entry, household=household)
    spending = not in_score and points < 0
    year_points = in_score and kind not in (Kind.OPENING, Kind.RESTART)
    if posting.fast():
        moved = posting.write_entry(
            entry, household=household, score_delta=score_delta, spending=spending, year_points=year_points
        )
    else:
        # The year's close is checked in the UPDATE itself, not by a query of its own (the lock is held).
        closed = Village.objects.filter(pk=OuterRef("village_id"), closed_year__gte=occurred_on.year)
        guarded = Household.objects.filter(~Exists(closed), pk=household.pk, active=True)
        if spending:
            guarded = guarded.filter(balance__gte=-points)
        moved = guarded.update(
            score=F("score") + score_delta,
            balance=F("balance") + points,
            chain_head=entry.hash,
            **last_award_update(entry, household.pk),
        )
    if not moved:
        household.chain_head = previous_head
        checks.check_year_open({household.village_id}, occurred_on=occurred_on)
        if spending:
            raise InsufficientBalance(number=household.number, balance=household.balance, cost=-points)
        raise HouseholdClosed(number=household.number)
    household.score += score_delta
    household.balance += points
    if not posting.fast():
        if year_points:
            _add_to_year([household], year=occurred_on.year, points=points)
        add_to_months([entry])
        entry.save(force_insert=True)
    return entry


def _add_to_year(households: list[Household], *, year: int, points: int) -> None:
    """Move the locked households' cached points of `year`: one statement for any N up to
    YEAR_ROWS (`INSERT … ON CONFLICT … DO UPDATE`, on PostgreSQL and SQLite alike), where a read, an
    UPDATE and an INSERT were needed, and an INSERT of no rows was skipped, so a batch's queries
    depended on which households already had the year's row."""
    table = connection.ops.quote_name(YearScore._meta.db_table)
    columns = ", ".join(
        connection.ops.quote_name(YearScore._meta.get_field(name).column)
        for name in ("household", "village", "year", "points")
    )
    for start in range(0, len(households), YEAR_ROWS):
        chunk = households[start : start + YEAR_ROWS]
        rows = ", ".join(["(%s, %s, %s, %s)"] * len(chunk))
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {rows} ON CONFLICT (household_id, year) "
                f"DO UPDATE SET points = {table}.points + excluded.points",
                [value for household in chunk for value in (household.pk, household.village_id, year, points)],
            )
