"""The only writers of claims and reports: a household sends one, a clerk of its village decides it.

A claim is checked in full before anything is stored (the rule claimable in the household's own
village, the date within the village's window, the photos photos, the day's limit), and its photos
are kept in the same `evidence_atomic()` block as the row, so a refusal leaves nothing behind. The
household's row is locked while its claims of the day are counted, so two sent at once cannot both
pass the limit.

Approving records the award through `cases.services.record`, exactly as a clerk recording it by
hand: the ledger's caps, scope, closed years and the village's approval and notice all apply, and
a refusal leaves the claim waiting, with nothing recorded. The claim's row is locked first and its
state checked under the lock, in the transaction that records the entry: two clerks approving at
once make one entry. The lock order is claim, then the households the ledger locks.
"""

from datetime import date, datetime, timedelta

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from cases.services import record
from claims.errors import (
    ClaimTooLate,
    DailyLimit,
    DescriptionRequired,
    MayNotReview,
    NotClaimable,
    NotPending,
    PhotoOnly,
    PlaceRequired,
    ReportDailyLimit,
    RuleOfAnotherVillage,
    TooManyPhotos,
)
from claims.models import MAX_DESCRIPTION, Claim, ClaimableRule, Report
from claims.selectors import claim_settings, claimable_rules
from credits.errors import FutureDate, ReasonRequired
from credits.models import Rule
from evidence.files import CheckedFile, check_upload
from evidence.services import evidence_add, evidence_atomic, evidence_link
from history.context import acting
from households.errors import HouseholdClosed, NotYours
from households.models import Household, Village
from households.selectors import may_change_village
from households.validators import CONTROL_CHARACTER

MAX_PHOTOS = 3
MAX_PLACE = 100


def may_review(user, village_id: int) -> bool:
    """A clerk who keeps the village, with the permission to decide claims (or a superuser)."""
    return (
        user.is_authenticated
        and user.is_active
        and user.has_perm("claims.review_claim")
        and may_change_village(user, village_id)
    )


def claim_submit(
    *,
    household: Household,
    rule: Rule,
    occurred_on: date,
    description: str,
    files=(),
    now: datetime | None = None,
) -> Claim:
    """The household asks for one occurrence of a claimable rule; the lookup's caller checked its card or PIN."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if not household.active:
        raise HouseholdClosed(number=household.number)
    description = _required(description, DescriptionRequired)
    if rule.version.catalogue.village_id != household.village_id:
        raise RuleOfAnotherVillage()
    if rule.pk not in {offered.pk for offered in claimable_rules(household.village_id, on=today)}:
        raise NotClaimable(rule=rule.name)
    options = claim_settings(household.village_id)
    if occurred_on > today:
        raise FutureDate()
    if occurred_on < today - timedelta(days=options.window_days):
        raise ClaimTooLate(days=options.window_days, date=formats.date_format(occurred_on))
    photos = _photos(files)
    with evidence_atomic():
        household = _lock_household(household)
        sent = household.claims.filter(created_at__gte=_day_start(now)).count()
        if sent >= options.per_day:
            raise DailyLimit(limit=options.per_day)
        claim = Claim.objects.create(
            village_id=household.village_id,
            household=household,
            rule=rule,
            rule_name=rule.name,
            points=rule.points,
            occurred_on=occurred_on,
            description=description,
            created_at=now,
        )
        claim.evidence.add(*(evidence_add(household=household, file=photo, by=None) for photo in photos))
        return claim


def claim_approve(*, claim: Claim, by, now: datetime | None = None) -> Claim:
    """A clerk of the village approves: the award is recorded (or becomes a case), with the claim's photos."""
    now = now or timezone.now()
    with evidence_atomic(), acting(by):
        claim = _lock_claim(claim)
        if not may_review(by, claim.village_id):
            raise MayNotReview()
        _expect_pending(claim)
        outcome = record(
            households=[claim.household],
            rule=claim.rule,
            occurred_on=claim.occurred_on,
            by=by,
            note=_note(claim),
            now=now,
        )
        photos = list(claim.evidence.order_by("id"))
        if outcome.entries:
            (claim.entry,) = outcome.entries
            for photo in photos:
                evidence_link(evidence=photo, entry=claim.entry, by=by)
        else:
            # Held for a second person's approval or for notice: the photos go with the case,
            # which links them to its entry when it becomes one.
            (claim.case,) = outcome.cases
            claim.case.evidence.add(*photos)
        claim.state, claim.decided_by, claim.decided_at = Claim.State.APPROVED, by, now
        claim.save()
        return claim


def claim_reject(*, claim: Claim, by, reason: str, now: datetime | None = None) -> Claim:
    """A clerk of the village rejects, saying why; the household reads the reason."""
    reason = reason.strip()
    if not reason:
        raise ReasonRequired()
    now = now or timezone.now()
    with evidence_atomic(), acting(by):
        claim = _lock_claim(claim)
        if not may_review(by, claim.village_id):
            raise MayNotReview()
        _expect_pending(claim)
        claim.state, claim.decided_by, claim.decided_at, claim.reason = Claim.State.REJECTED, by, now, reason[:500]
        claim.save()
        return claim


def report_submit(
    *, household: Household, description: str, place: str, files=(), now: datetime | None = None
) -> Report:
    """随手拍: the household reports something in the village, for the clerk to act on."""
    now = now or timezone.now()
    if not household.active:
        raise HouseholdClosed(number=household.number)
    description = _required(description, DescriptionRequired)
    place = " ".join(_required(place, PlaceRequired).split())[:MAX_PLACE]
    photos = _photos(files)
    options = claim_settings(household.village_id)
    with evidence_atomic():
        household = _lock_household(household)
        if household.reports.filter(created_at__gte=_day_start(now)).count() >= options.per_day:
            raise ReportDailyLimit(limit=options.per_day)
        report = Report.objects.create(
            village_id=household.village_id, household=household, description=description, place=place, created_at=now
        )
        report.evidence.add(*(evidence_add(household=household, file=photo, by=None) for photo in photos))
        return report


def report_handle(*, report: Report, by, note: str, now: datetime | None = None) -> Report:
    """A clerk of the village marks the report handled, saying what was done."""
    note = note.strip()
    if not note:
        raise ReasonRequired()
    now = now or timezone.now()
    with evidence_atomic(), acting(by):
        report = Report.objects.select_for_update().get(pk=report.pk)
        if not may_review(by, report.village_id):
            raise MayNotReview()
        if report.state != Report.State.OPEN:
            raise NotPending(state=report.get_state_display())
        report.state, report.handled_by, report.handled_at, report.note = Report.State.HANDLED, by, now, note[:500]
        report.save()
        return report


def claimable_set(*, village: Village, keys, by) -> None:
    """The village's claimable rules, by key: those given, and no others."""
    if not may_change_village(by, village.pk):
        raise NotYours()
    keys = set(keys)
    with evidence_atomic(), acting(by):
        ClaimableRule.objects.filter(village=village).exclude(key__in=keys).delete()
        known = set(ClaimableRule.objects.filter(village=village).values_list("key", flat=True))
        ClaimableRule.objects.bulk_create(ClaimableRule(village=village, key=key) for key in sorted(keys - known))


def _required(text: str, error) -> str:
    # Line breaks are kept (a phone's text box has them); other invisible characters are not.
    text = "\n".join(CONTROL_CHARACTER.sub("", line).rstrip() for line in (text or "").strip().splitlines())
    if not text:
        raise error()
    return text[:MAX_DESCRIPTION]


def _photos(files) -> list[CheckedFile]:
    """Each file read for what it is, before anything is written: photos only, at most three."""
    files = [file for file in (files or []) if file]
    if len(files) > MAX_PHOTOS:
        raise TooManyPhotos(limit=MAX_PHOTOS)
    checked = [check_upload(file) for file in files]
    for photo in checked:
        if not photo.content_type.startswith("image/"):
            raise PhotoOnly(name=photo.name)
    return checked


def _lock_household(household: Household) -> Household:
    # Serialises one household's sending, so the day's count cannot be passed by two at once.
    household = Household.objects.select_for_update().get(pk=household.pk)
    if not household.active:
        raise HouseholdClosed(number=household.number)
    return household


def _lock_claim(claim: Claim) -> Claim:
    return Claim.objects.select_for_update(of=("self",)).select_related("household", "rule").get(pk=claim.pk)


def _expect_pending(claim: Claim) -> None:
    if claim.state != Claim.State.PENDING:
        raise NotPending(state=claim.get_state_display())


def _day_start(now: datetime) -> datetime:
    return timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)


def _note(claim: Claim) -> str:
    # The entry's note says where it came from; one line, as the statement shows it.
    text = " ".join(claim.description.split())
    return (_("Claim #%(claim)s: %(text)s") % {"claim": claim.pk, "text": text})[:200]
