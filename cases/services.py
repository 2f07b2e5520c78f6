"""The one entry point for clerks' writes, and every step of a case until it is final.

`record` and `adjust` decide, by the village's `ProcessSettings`, whether a write goes straight to
the ledger (`credits.services`) or becomes a case: waiting for a second person's approval, or in
notice for objection. A case is checked against the ledger when it is opened (the ledger's own
service runs and is rolled back), so a refusal is said at once; it is checked again when it is
finalised, and if the ledger then refuses (a cap reached meanwhile, the household closed, the year
closed) the case ends as "refused by the ledger" with the reason, and nothing is recorded.

Every step locks the case's row first and checks its state under the lock, in the transaction
that records the entry: two cron runs and a reader at the same moment make one entry. The lock
order is case, then the households the ledger locks.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import formats, timezone

from cases.errors import (
    CaseNotWaiting,
    MayNotApprove,
    NotReviewer,
    ObjectionRequired,
    ObjectionTooLate,
    OwnCase,
    ReducedPoints,
    TooManyFiles,
)
from cases.models import Case, ProcessSettings
from credits.errors import ReasonRequired, ZeroPoints
from credits.models import Entry, Rule
from credits.services import entry_adjust, entry_record, entry_record_batch
from evidence.files import check_upload
from evidence.services import evidence_add, evidence_atomic, evidence_link
from history.context import acting
from households.errors import DomainError
from households.models import Household, Village
from households.selectors import villages_for

State = Case.State
Kind = Entry.Kind
MAX_OBJECTION = 1000
MAX_FILES = 5  # photos or documents with one write or one objection


@dataclass
class Outcome:
    """What one write did: entries that reached the ledger, and cases that wait."""

    entries: list[Entry] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)


def process_settings(village: Village | int | None) -> ProcessSettings:
    """The village's settings, or the defaults (unsaved) until its clerk saves some.

    None (a town's template rule, which the ledger refuses anyway) has the defaults."""
    village_id = village.pk if isinstance(village, Village) else village
    return ProcessSettings.objects.filter(village_id=village_id).first() or ProcessSettings(village_id=village_id)


def route(options: ProcessSettings, *, kind: str, points: int) -> tuple[bool, bool]:
    """(needs approval, goes through notice) for a write of `kind` and signed `points`."""
    threshold = options.approval_threshold
    approval = (kind == Kind.ADJUSTMENT and options.approve_adjustments) or (
        threshold is not None and abs(points) >= threshold
    )
    notice = (kind == Kind.DEDUCTION and options.notice_deductions) or (
        kind == Kind.ADJUSTMENT and points < 0 and options.notice_negative_adjustments
    )
    return approval, notice


class _Checked(Exception):
    """Raised to roll back a trial run of the ledger's service once it has accepted the write."""

    def __init__(self, result):
        self.result = result


def _trial(write):
    """Run a ledger write and undo it: its refusal if it refuses, else what it would have recorded."""
    try:
        with transaction.atomic():
            raise _Checked(write())
    except _Checked as checked:
        return checked.result


def record(
    *,
    households: Iterable[Household],
    rule: Rule,
    occurred_on: date,
    by,
    note: str = "",
    files=(),
    now: datetime | None = None,
) -> Outcome:
    """Record one rule for one household or a batch of one village: to the ledger, or as cases.

    The ledger's refusals (closed household, cap, date, scope) come first, whichever way it goes;
    a batch stays all or nothing. `files` (photos, documents) are checked before anything is
    written, then kept as evidence of each entry, or of each case until it becomes one.
    """
    households = list(households)
    checked = _checked(files)

    def write(**extra):
        return entry_record_batch(households=households, rule=rule, occurred_on=occurred_on, by=by, note=note, **extra)

    options = process_settings(rule.version.catalogue.village_id)
    approval, notice = route(options, kind=Kind.AWARD if rule.points > 0 else Kind.DEDUCTION, points=rule.points)
    if not (approval or notice):
        with evidence_atomic():
            entries = write()
            _keep(checked, entries=entries, by=by)
            return Outcome(entries=entries)
    now = now or timezone.now()
    with evidence_atomic(), acting(by):
        trial = _trial(write)
        cases = [
            _new_case(
                options,
                household=entry.household,
                kind=entry.kind,
                rule=entry.rule,
                rule_name=entry.rule_name,
                points=entry.points,
                occurred_on=occurred_on,
                note=entry.note,
                by=by,
                approval=approval,
                notice=notice,
                now=now,
            )
            for entry in trial
        ]
        cases = Case.objects.bulk_create(cases)
        _keep(checked, cases=cases, by=by)
        return Outcome(cases=cases)


def adjust(
    *,
    household: Household,
    points: int,
    reason: str,
    by,
    occurred_on: date | None = None,
    files=(),
    now: datetime | None = None,
) -> Outcome:
    """A manual correction: to the ledger, or as a case, as the village decided; `files` as for `record`."""
    occurred_on = occurred_on or timezone.localdate()
    checked = _checked(files)

    def write():
        return entry_adjust(household=household, points=points, reason=reason, by=by, occurred_on=occurred_on)

    options = process_settings(household.village_id)
    approval, notice = route(options, kind=Kind.ADJUSTMENT, points=points)
    if not (approval or notice):
        with evidence_atomic():
            entries = [write()]
            _keep(checked, entries=entries, by=by)
            return Outcome(entries=entries)
    now = now or timezone.now()
    with evidence_atomic(), acting(by):
        entry = _trial(write)
        case = _new_case(
            options,
            household=household,
            kind=Kind.ADJUSTMENT,
            rule=None,
            rule_name="",
            points=points,
            occurred_on=occurred_on,
            note=entry.note,
            by=by,
            approval=approval,
            notice=notice,
            now=now,
        )
        case.save(force_insert=True)
        _keep(checked, cases=[case], by=by)
        return Outcome(cases=[case])


def _checked(files) -> list:
    """The files read and cleaned (`evidence.files`), before anything is written; at most MAX_FILES."""
    files = list(files or [])
    if len(files) > MAX_FILES:
        raise TooManyFiles(limit=MAX_FILES)
    return [check_upload(file) for file in files]


def _keep(checked, *, by, entries=(), cases=()) -> None:
    """Keep each checked file as evidence of each entry, or of each case (for each household)."""
    for entry in entries:
        for file in checked:
            evidence_add(household=entry.household, file=file, by=by, entry=entry)
    for case in cases:
        case.evidence.add(*(evidence_add(household=case.household, file=file, by=by) for file in checked))


def _new_case(options, *, approval: bool, notice: bool, now: datetime, household, **fields) -> Case:
    return Case(
        village_id=household.village_id,
        household=household,
        recorded_by=fields.pop("by"),
        created_at=now,
        needs_approval=approval,
        needs_notice=notice,
        state=State.APPROVAL if approval else State.NOTICE,
        notice_ends_at=None if approval else now + timedelta(days=options.notice_days),
        **fields,
    )


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update(of=("self",)).select_related("household", "rule", "village").get(pk=case.pk)


def _expect(case: Case, *states) -> None:
    if case.state not in states:
        raise CaseNotWaiting(state=case.get_state_display())


def may_approve(user, village_id: int) -> bool:
    """A clerk who keeps the village, or one of its reviewers (or a superuser)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return villages_for(user, write=True).filter(pk=village_id).exists() or is_reviewer(user, village_id)


def is_reviewer(user, village_id: int) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or ProcessSettings.objects.filter(village_id=village_id, reviewers=user).exists()


def case_approve(*, case: Case, by, now: datetime | None = None) -> Case:
    """A second person lets the case on: into its notice period, or straight to the ledger."""
    now = now or timezone.now()
    with transaction.atomic(), acting(by):
        case = _lock(case)
        if not may_approve(by, case.village_id):
            raise MayNotApprove()
        _expect(case, State.APPROVAL)
        if case.recorded_by_id == by.pk:
            raise OwnCase()
        case.approved_by, case.approved_at = by, now
        if case.needs_notice:
            case.state = State.NOTICE
            case.notice_ends_at = now + timedelta(days=process_settings(case.village_id).notice_days)
            case.save()
            return case
        return _finalise_locked(case, points=case.points, now=now)


def case_reject(*, case: Case, by, reason: str, now: datetime | None = None) -> Case:
    """The second person does not approve: nothing reaches the ledger; who and why stay on record."""
    if not reason.strip():
        raise ReasonRequired()
    now = now or timezone.now()
    with transaction.atomic(), acting(by):
        case = _lock(case)
        if not may_approve(by, case.village_id):
            raise MayNotApprove()
        _expect(case, State.APPROVAL)
        if case.recorded_by_id == by.pk:
            raise OwnCase()
        case.state = State.REJECTED
        case.decided_by, case.decided_at, case.reason, case.closed_at = by, now, reason.strip(), now
        case.save()
        return case


def case_object(*, case: Case, text: str, files=(), now: datetime | None = None) -> Case:
    """The household objects (申诉) before the deadline, with photos if it has some; the case then
    waits for a review. The lookup page's caller has checked the household's card or PIN."""
    text = text.strip()
    if not text:
        raise ObjectionRequired()
    checked = _checked(files)
    now = now or timezone.now()
    with evidence_atomic():
        case = _lock(case)
        if case.state == State.NOTICE and not case.may_object(now):
            deadline = formats.date_format(timezone.localtime(case.notice_ends_at), "DATETIME_FORMAT")
            raise ObjectionTooLate(deadline=deadline)
        _expect(case, State.NOTICE)
        case.state = State.OBJECTED
        case.objection, case.objected_at = text[:MAX_OBJECTION], now
        case.save()
        case.objection_evidence.add(*(evidence_add(household=case.household, file=file, by=None) for file in checked))
        return case


def case_decide(
    *, case: Case, by, decision: str, reason: str, points: int | None = None, now: datetime | None = None
) -> Case:
    """A reviewer decides an objection: upheld (recorded as it was), reduced (a smaller one is
    recorded) or withdrawn (nothing reaches the ledger). Who, when and why stay on the case."""
    if not reason.strip():
        raise ReasonRequired()
    now = now or timezone.now()
    with transaction.atomic(), acting(by):
        case = _lock(case)
        if not is_reviewer(by, case.village_id):
            raise NotReviewer()
        _expect(case, State.OBJECTED)
        if case.recorded_by_id == by.pk:
            raise OwnCase()
        applied = case.points
        if decision == Case.Decision.REDUCED:
            if points is None or points == 0:
                raise ZeroPoints()
            sign = 1 if case.points > 0 else -1
            low, high = sorted((case.points - sign, sign))
            if not low <= points <= high:
                raise ReducedPoints(low=low, high=high)
            applied = points
        elif decision not in (Case.Decision.UPHELD, Case.Decision.WITHDRAWN):
            raise CaseNotWaiting(state=case.get_state_display())
        case.decision, case.decided_by, case.decided_at, case.reason = decision, by, now, reason.strip()
        if decision == Case.Decision.WITHDRAWN:
            case.state, case.closed_at = State.WITHDRAWN, now
            case.save()
            return case
        return _finalise_locked(case, points=applied, now=now)


def case_finalise(*, case: Case, now: datetime | None = None) -> Case:
    """Finalise a case whose notice period ended without objection; a no-op for any other case.

    Safe to call from anywhere at any time, as often as you like: the state is read under the
    case's row lock, so whoever gets there first records the one entry and the others find it final.
    """
    now = now or timezone.now()
    with transaction.atomic():
        case = _lock(case)
        if case.state != State.NOTICE or case.notice_ends_at > now:
            return case
        return _finalise_locked(case, points=case.points, now=now)


def finalise_due(
    *, village: Village | None = None, household: Household | None = None, now: datetime | None = None
) -> int:
    """Finalise every case whose notice period has ended (of a village or a household); how many."""
    now = now or timezone.now()
    due = Case.objects.filter(state=State.NOTICE, notice_ends_at__lte=now)
    if village is not None:
        due = due.filter(village=village)
    if household is not None:
        due = due.filter(household=household)
    finalised = 0
    for case in due.order_by("pk"):
        # One transaction per case: one refused by the ledger does not hold back the others.
        if case_finalise(case=case, now=now).state == State.FINAL:
            finalised += 1
    return finalised


def _finalise_locked(case: Case, *, points: int, now: datetime) -> Case:
    """Record the case's one entry, dated the deed and recorded now, or end it refused by the ledger."""
    try:
        with transaction.atomic():
            if case.kind == Kind.ADJUSTMENT:
                entry = entry_adjust(
                    household=case.household,
                    points=points,
                    reason=case.note,
                    by=case.recorded_by,
                    occurred_on=case.occurred_on,
                    at=now,
                    scope_checked=True,
                )
            else:
                entry = entry_record(
                    household=case.household,
                    rule=case.rule,
                    occurred_on=case.occurred_on,
                    by=case.recorded_by,
                    note=case.note,
                    at=now,
                    points=points,
                    scope_checked=True,
                )
    except DomainError as refusal:
        case.state, case.ledger_refusal, case.closed_at = State.LAPSED, refusal.message[:500], now
        case.save()
        return case
    case.state, case.entry, case.final_points, case.closed_at = State.FINAL, entry, entry.points, now
    case.save()
    # The recorder's evidence now documents the entry; the household's objection stays with the case.
    for evidence in case.evidence.all():
        evidence_link(evidence=evidence, entry=entry, by=case.recorded_by)
    return case
