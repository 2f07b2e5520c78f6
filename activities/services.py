"""The only writers of activities: publishing, sign-up, check-in and closing.

Every change to an activity's places takes the activity's row first (`_lock`), so two households
signing up for the last place, or two organisers closing at once, are served one after the other:
the second sees what the first did. Closing writes the ledger only through
`credits.services.entry_record_batch`, all or nothing, inside the same transaction that marks the
activity closed, so an activity awards once or not at all.
"""

import datetime as dt

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from activities.errors import (
    ActivityCancelled,
    ActivityClosed,
    ActivityFull,
    AlreadyCheckedIn,
    AlreadySignedUp,
    BadActivity,
    HouseholdNotFound,
    NotHeldYet,
    NotOrganiser,
    NotSignedUp,
    SignupClosed,
)
from activities.models import Activity, Signup
from activities.selectors import may_organise, organiser_candidates
from credits.errors import RuleNotInForce, RuleRetired
from credits.models import Entry, Rule
from credits.selectors import version_in_force
from credits.services import entry_record_batch
from history.context import acting
from households.errors import HouseholdClosed, NotYours
from households.models import Household, Village
from households.selectors import card_token_in, household_numbered
from households.services import ensure_may_change

ACTIVITY_FIELDS = ("title", "rule", "held_on", "starts_at", "place", "capacity", "signup_until", "description")
MAX_CAPACITY = 100_000


def activity_create(
    *,
    village: Village,
    by,
    title: str,
    rule: Rule,
    held_on: dt.date,
    place: str,
    signup_until: dt.datetime,
    starts_at: dt.time | None = None,
    capacity: int | None = None,
    description: str = "",
    organisers=(),
) -> Activity:
    """Publish an activity of `village`, awarding `rule` (one of the village's own awards)."""
    ensure_may_change(user=by, village_id=village.pk)
    activity = Activity(
        village=village,
        title=title.strip(),
        rule=rule,
        held_on=held_on,
        starts_at=starts_at,
        place=place.strip(),
        capacity=capacity,
        signup_until=signup_until,
        description=description.strip(),
        created_by=by,
    )
    _check(activity)
    _check_organisers(village, organisers)
    with transaction.atomic(), acting(by):
        activity.save()
        activity.organisers.set(organisers)
    return activity


def activity_update(*, activity: Activity, by, organisers=None, **fields) -> Activity:
    """Change what a clerk may change of an open activity (the names in ACTIVITY_FIELDS)."""
    ensure_may_change(user=by, village_id=activity.village_id)
    unknown = set(fields) - set(ACTIVITY_FIELDS)
    if unknown:
        raise TypeError(f"not an activity field: {', '.join(sorted(unknown))}")
    with transaction.atomic(), acting(by):
        locked = _lock(activity)
        for name, value in fields.items():
            setattr(locked, name, value.strip() if isinstance(value, str) else value)
        _check(locked)
        taken = locked.signups.count()
        if locked.capacity is not None and locked.capacity < taken:
            raise BadActivity(
                _("%(count)s households are already signed up; the capacity cannot be lower."), count=taken
            )
        locked.save()
        if organisers is not None:
            _check_organisers(locked.village, organisers, named=locked.organisers.all())
            locked.organisers.set(organisers)
    return locked


def signup_create(*, activity: Activity, household: Household, by=None) -> Signup:
    """Sign `household` up. With no `by`, the household signs itself up (on the lookup page, which
    has proved who it is) and only until the deadline; a clerk of the village may also sign one up
    after the deadline, until the activity is closed. A full activity refuses either."""
    if by is not None:
        ensure_may_change(user=by, village_id=activity.village_id)
    with transaction.atomic(), acting(by):
        locked = _lock(activity)
        _check_household(locked, household)
        if by is None and timezone.now() > locked.signup_until:
            raise SignupClosed(
                title=locked.title,
                deadline=formats.date_format(timezone.localtime(locked.signup_until), "DATETIME_FORMAT"),
            )
        if locked.signups.filter(household=household).exists():
            raise AlreadySignedUp(number=household.number, title=locked.title)
        _check_room(locked)
        return Signup.objects.create(activity=locked, household=household, signed_up_by=by)


def signup_cancel(*, signup: Signup, by=None) -> None:
    """Give a place back: the household itself until the deadline, a clerk until the activity is
    closed; never once the household has been checked in."""
    activity = signup.activity
    if by is not None:
        ensure_may_change(user=by, village_id=activity.village_id)
    with transaction.atomic(), acting(by):
        locked = _lock(activity)
        current = Signup.objects.filter(pk=signup.pk).first()
        if current is None:
            raise NotSignedUp(number=signup.household.number, title=locked.title)
        if current.checked_in:
            raise AlreadyCheckedIn(number=signup.household.number)
        if by is None and timezone.now() > locked.signup_until:
            raise SignupClosed(
                title=locked.title,
                deadline=formats.date_format(timezone.localtime(locked.signup_until), "DATETIME_FORMAT"),
            )
        current.delete()


def household_for_code(*, activity: Activity, code: str) -> Household:
    """The household of the activity's village that a scanned card or a typed number names.

    A card's QR code holds its lookup link (or, on old cards, the bare code); a number is found
    however it is padded (4 finds 0004).
    """
    households = Household.objects.filter(village_id=activity.village_id)
    token = card_token_in(code)
    household = households.filter(card_token=token).first() if token else household_numbered(households, code)
    if household is None:
        raise HouseholdNotFound(village=activity.village.name, code=code.strip()[:40])
    return household


def check_in(*, activity: Activity, household: Household, by) -> Signup:
    """Mark `household` present. One not signed up is signed up on the spot (a walk-in), if there
    is room. Checking in twice is harmless: the signup is returned as it was, marked `already`."""
    if not may_organise(by, activity):
        raise NotOrganiser()
    with transaction.atomic(), acting(by):
        locked = _lock(activity)
        _check_household(locked, household)
        signup = locked.signups.filter(household=household).first()
        if signup is None:
            _check_room(locked)
            signup = Signup(activity=locked, household=household, signed_up_by=by)
        signup.already = signup.checked_in
        if not signup.checked_in:
            signup.checked_in_at = timezone.now()
            signup.checked_in_by = by
            signup.save()
        return signup


def check_in_many(*, activity: Activity, households: list[Household], by) -> list[Signup]:
    """Tick a list: check in each household, all or none (one refused leaves the others unticked)."""
    with transaction.atomic():
        return [check_in(activity=activity, household=household, by=by) for household in households]


def check_in_list(*, activity: Activity, present: set[int], by) -> tuple[int, int]:
    """Save a ticked list: the signups whose ids are in `present` are checked in, the others
    unticked, all or none. Returns how many were ticked and unticked by this call."""
    if not may_organise(by, activity):
        raise NotOrganiser()
    with transaction.atomic(), acting(by):
        locked = _lock(activity)
        signups = list(locked.signups.select_related("household"))
        unknown = present - {signup.pk for signup in signups}
        if unknown:
            raise BadActivity(_("The list changed while it was open; please tick it again."))
        ticked = [signup for signup in signups if signup.pk in present and not signup.checked_in]
        unticked = [signup for signup in signups if signup.pk not in present and signup.checked_in]
        now = timezone.now()
        for signup in ticked:
            _check_household(locked, signup.household)
            signup.checked_in_at, signup.checked_in_by = now, by
        for signup in unticked:
            signup.checked_in_at, signup.checked_in_by = None, None
        # One save each, not a bulk update: the history records every tick (a list is a few dozen rows).
        for signup in ticked + unticked:
            signup.save(update_fields=["checked_in_at", "checked_in_by"])
    return len(ticked), len(unticked)


def check_in_undo(*, signup: Signup, by) -> Signup:
    """Untick a household checked in by mistake, before the activity is closed."""
    if not may_organise(by, signup.activity):
        raise NotOrganiser()
    with transaction.atomic(), acting(by):
        _lock(signup.activity)
        current = Signup.objects.select_related("household").get(pk=signup.pk)
        current.checked_in_at = None
        current.checked_in_by = None
        current.save(update_fields=["checked_in_at", "checked_in_by"])
        return current


def activity_close(*, activity: Activity, by) -> list[Entry]:
    """Close the activity and award its rule to every household checked in, all or nothing.

    The entries are one batch of the ledger's (`entry_record_batch`): caps and closed households
    refuse the whole batch, naming each household refused (`credits.errors.BatchRefused`), and the
    activity stays open so the organiser can untick them and close again. Closing an activity
    already closed is refused, so two clerks closing at once make one set of entries.
    """
    ensure_may_change(user=by, village_id=activity.village_id)
    with transaction.atomic(), acting(by):
        locked = _lock(activity)
        if locked.held_on > timezone.localdate():
            raise NotHeldYet(date=formats.date_format(locked.held_on))
        present = list(locked.signups.filter(checked_in_at__isnull=False).select_related("household"))
        entries: list[Entry] = []
        if present:
            entries = entry_record_batch(
                households=[signup.household for signup in present],
                rule=locked.rule,
                occurred_on=locked.held_on,
                by=by,
                note=gettext("Activity: %(title)s") % {"title": locked.title},
            )
            earned = {entry.household_id: entry for entry in entries}
            for signup in present:
                signup.entry = earned[signup.household_id]
            Signup.objects.bulk_update(present, ["entry"])
        locked.closed_at = timezone.now()
        locked.closed_by = by
        locked.save(update_fields=["closed_at", "closed_by"])
    activity.closed_at, activity.closed_by = locked.closed_at, locked.closed_by
    return entries


def activity_cancel(*, activity: Activity, by) -> Activity:
    """Call the activity off before it is closed: nothing is awarded, its sign-ups stay as a record,
    and nothing about it changes any more. Cancelling twice, or a closed activity, is refused."""
    ensure_may_change(user=by, village_id=activity.village_id)
    with transaction.atomic(), acting(by):
        locked = _lock(activity)
        locked.cancelled_at = timezone.now()
        locked.cancelled_by = by
        locked.save(update_fields=["cancelled_at", "cancelled_by"])
    activity.cancelled_at, activity.cancelled_by = locked.cancelled_at, locked.cancelled_by
    return locked


def _lock(activity: Activity) -> Activity:
    """The activity's row, locked for this transaction and read afresh; a closed or cancelled one refuses.

    Sign-ups, check-ins and closing all take it first, and then (closing only) the households'
    rows through the ledger: one order everywhere, so none of them can deadlock another.
    """
    locked = Activity.objects.select_for_update().select_related("village", "rule").get(pk=activity.pk)
    if locked.closed:
        raise ActivityClosed(title=locked.title)
    if locked.cancelled:
        raise ActivityCancelled(title=locked.title)
    return locked


def _check_household(activity: Activity, household: Household) -> None:
    if household.village_id != activity.village_id:
        raise NotYours()
    if not household.active:
        raise HouseholdClosed(number=household.number)


def _check_room(activity: Activity) -> None:
    if activity.capacity is not None and activity.signups.count() >= activity.capacity:
        raise ActivityFull(title=activity.title, capacity=activity.capacity)


def _check_organisers(village: Village, organisers, *, named=()) -> None:
    """Refuse an organiser who does not work for the village (its clerks and shopkeepers do); one
    `named` already may stay, so an activity's form still saves after a shopkeeper has moved on."""
    allowed = set(organiser_candidates([village.pk]).values_list("pk", flat=True))
    allowed |= {user.pk for user in named}
    strangers = [user for user in organisers if user.pk not in allowed]
    if strangers:
        raise BadActivity(
            _("Only the village's clerks and shopkeepers may organise its activities, not %(names)s."),
            names="、".join(user.get_username() for user in strangers),
        )


def _check(activity: Activity) -> None:
    """Refuse an activity a village could not run: another village's rule, a deduction, a rule not
    in force on the day, a deadline after the day, an empty title or place."""
    if not activity.title or not activity.place:
        raise BadActivity(_("An activity needs a title and a place."))
    rule = activity.rule
    if rule.version.catalogue.village_id != activity.village_id:
        raise BadActivity(_("Choose a rule of the village's own catalogue."))
    if rule.points <= 0:
        raise BadActivity(_("An activity awards points: choose a rule that adds points, not a deduction."))
    version = version_in_force(activity.village_id, on=activity.held_on)
    applied = version and version.rules.filter(key=rule.key).first()
    if not applied:
        raise RuleNotInForce(rule=rule.name, date=formats.date_format(activity.held_on))
    if not applied.active:
        raise RuleRetired(rule=rule.name)
    if activity.capacity is not None and not 1 <= activity.capacity <= MAX_CAPACITY:
        raise BadActivity(_("The capacity is a number of households from 1 to %(most)s."), most=MAX_CAPACITY)
    last_moment = dt.datetime.combine(activity.held_on, activity.starts_at or dt.time.max)
    if activity.signup_until > timezone.make_aware(last_moment):
        raise BadActivity(_("The sign-up deadline must come before the activity starts."))
