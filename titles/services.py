"""The selection of titles, step by step: the only writers of selections, titles and nominations.

Village steps (draft, confirm, publish, award, nominate to the town) are the village's clerks';
town steps (select town titles, nominate to the county) the town's officers'; county titles the
county's officers'. A town's or county's titles are counted against its quota of the year under a
lock on the quota's row, so two officers selecting at once never award more than the quota.
"""

from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from credits.models import Domain, Rule
from households.errors import NotYours
from households.models import Village
from households.services import ensure_may_change
from titles.errors import (
    AlreadyNominated,
    AlreadyTitled,
    BadCondition,
    BadNoticeDate,
    NoCandidates,
    NoQuota,
    NoticeNotOver,
    NotNominable,
    NotOfficer,
    QuotaFull,
    SelectionExists,
    WrongState,
    YearNotEnded,
)
from titles.models import Candidate, DomainMinimum, Level, Nomination, Quota, Selection, Title
from titles.selectors import (
    default_veto_rules,
    is_county_officer,
    is_town_officer,
    selection_candidates,
    veto_keys,
    vetoed_households,
)

State = Selection.State


def selection_create(
    *,
    village: Village,
    year: int,
    by,
    min_stars: int | None = None,
    minimums: list[tuple[Domain, int]] | None = None,
    veto_rules: list[Rule] | None = None,
) -> Selection:
    """A draft selection of `year`; its vetoes the defaults of the village's catalogue unless given."""
    ensure_may_change(user=by, village_id=village.pk)
    if year >= timezone.localdate().year:
        raise YearNotEnded(year=year)
    with transaction.atomic():
        if Selection.objects.filter(village=village, year=year).exists():
            raise SelectionExists(village=village.name, year=year)
        selection = Selection.objects.create(village=village, year=year, created_by=by)
        _set_conditions(
            selection,
            min_stars=min_stars,
            minimums=minimums or [],
            veto_rules=default_veto_rules(village) if veto_rules is None else veto_rules,
        )
    return selection


def selection_update(
    *,
    selection: Selection,
    by,
    min_stars: int | None,
    minimums: list[tuple[Domain, int]],
    veto_rules: list[Rule],
) -> Selection:
    ensure_may_change(user=by, village_id=selection.village_id)
    with transaction.atomic():
        selection = _locked(selection, State.DRAFT, action=_("changed"))
        _set_conditions(selection, min_stars=min_stars, minimums=minimums, veto_rules=veto_rules)
    return selection


def _set_conditions(selection, *, min_stars, minimums, veto_rules) -> None:
    village_id = selection.village_id
    if any(rule.version.catalogue.village_id != village_id for rule in veto_rules):
        raise BadCondition()
    if any(domain.version.catalogue.village_id != village_id for domain, _points in minimums):
        raise BadCondition()
    selection.min_stars = min_stars or None
    selection.save(update_fields=["min_stars"])
    selection.veto_rules.set(veto_rules)
    selection.minimums.all().delete()
    DomainMinimum.objects.bulk_create(
        [DomainMinimum(selection=selection, domain=domain, points=points) for domain, points in minimums]
    )


def selection_confirm(*, selection: Selection, by, at: datetime | None = None) -> Selection:
    """The village review confirms the list as it reads now: each candidate kept with its figures."""
    ensure_may_change(user=by, village_id=selection.village_id)
    with transaction.atomic():
        selection = _locked(selection, State.DRAFT, action=_("confirmed"))
        rows = selection_candidates(selection)
        if not rows:
            raise NoCandidates()
        Candidate.objects.bulk_create(
            [
                Candidate(
                    selection=selection,
                    household_id=row.household_id,
                    number=row.number,
                    head_name=row.head_name,
                    points=row.points,
                    stars=row.stars,
                    named_stars=row.named_stars,
                )
                for row in rows
            ]
        )
        selection.state = State.CONFIRMED
        selection.confirmed_by = by
        selection.confirmed_at = at or timezone.now()
        selection.save(update_fields=["state", "confirmed_by", "confirmed_at"])
    return selection


def selection_publish(*, selection: Selection, by, notice_until: date, at: datetime | None = None) -> Selection:
    """Put the confirmed list on the board until `notice_until` (inclusive)."""
    ensure_may_change(user=by, village_id=selection.village_id)
    now = at or timezone.now()
    if notice_until < timezone.localdate(now):
        raise BadNoticeDate()
    with transaction.atomic():
        selection = _locked(selection, State.CONFIRMED, action=_("published"))
        selection.state = State.NOTICE
        selection.notice_until = notice_until
        selection.published_at = now
        selection.save(update_fields=["state", "notice_until", "published_at"])
    return selection


def selection_award(*, selection: Selection, by, at: datetime | None = None) -> list[Title]:
    """Award the village titles once the notice is over, to the candidates no veto has struck since.

    The vetoes are read again here: an entry under a veto rule recorded during the notice (dated in
    the year, which an open year allows) strikes the candidate.
    """
    ensure_may_change(user=by, village_id=selection.village_id)
    now = at or timezone.now()
    with transaction.atomic():
        selection = _locked(selection, State.NOTICE, action=_("awarded"))
        if timezone.localdate(now) <= selection.notice_until:
            raise NoticeNotOver(date=selection.notice_until.isoformat())
        candidates = list(selection.candidates.all())
        struck = vetoed_households(
            selection.village, selection.year, veto_keys(selection), [c.household_id for c in candidates]
        )
        Candidate.objects.filter(selection=selection, household_id__in=struck).update(vetoed=True)
        titles = Title.objects.bulk_create(
            [
                Title(
                    household_id=c.household_id,
                    village_id=selection.village_id,
                    year=selection.year,
                    level=Level.VILLAGE,
                    number=c.number,
                    head_name=c.head_name,
                    stars=c.stars,
                    named_stars=c.named_stars,
                    selection=selection,
                    awarded_by=by,
                    awarded_at=now,
                )
                for c in candidates
                if c.household_id not in struck
            ]
        )
        selection.state = State.AWARDED
        selection.awarded_by = by
        selection.awarded_at = now
        selection.save(update_fields=["state", "awarded_by", "awarded_at"])
    return titles


def title_nominate(*, title: Title, by) -> Nomination:
    """Put a title forward to the level above: a village title to the town (by the village's clerks),
    a town title to the county (by the town's officers)."""
    village = Village.objects.select_related("town__county").get(pk=title.village_id)
    if title.level == Level.VILLAGE:
        ensure_may_change(user=by, village_id=village.pk)
        to_level = Level.TOWN
    elif title.level == Level.TOWN:
        if not is_town_officer(by, village.town):
            raise NotOfficer(place=village.town.name)
        if village.town.county is None:
            raise NotNominable(level=title.get_level_display())
        to_level = Level.COUNTY
    else:
        raise NotNominable(level=title.get_level_display())
    try:
        with transaction.atomic():
            return Nomination.objects.create(title=title, to_level=to_level, nominated_by=by)
    except IntegrityError:
        raise AlreadyNominated(title=str(title)) from None


def title_select(*, nomination: Nomination, by, at: datetime | None = None) -> Title:
    """Award the title of the level a nomination was made to, within that town's or county's quota."""
    below = nomination.title
    village = Village.objects.select_related("town__county").get(pk=below.village_id)
    town, county = village.town, village.town.county
    if nomination.to_level == Level.TOWN:
        if not is_town_officer(by, town):
            raise NotOfficer(place=town.name)
        place, owner = town.name, {"town": town}
        same_place = {"village__town": town}
    else:
        if not is_county_officer(by, county):
            raise NotOfficer(place=county.name if county else village.town.name)
        place, owner = county.name, {"county": county}
        same_place = {"village__town__county": county}
    try:
        with transaction.atomic():
            # The quota's row is the lock two officers selecting at once wait on, so the count
            # below sees the other's title before this one is added.
            quota = Quota.objects.select_for_update().filter(year=below.year, **owner).first()
            if quota is None:
                raise NoQuota(place=place, year=below.year)
            if Title.objects.filter(
                household_id=below.household_id, year=below.year, level=nomination.to_level
            ).exists():
                raise AlreadyTitled(number=below.number, level=Level(nomination.to_level).label, year=below.year)
            used = Title.objects.filter(level=nomination.to_level, year=below.year, **same_place).count()
            if used >= quota.places:
                raise QuotaFull(place=place, places=quota.places, year=below.year)
            return Title.objects.create(
                household_id=below.household_id,
                village_id=below.village_id,
                year=below.year,
                level=nomination.to_level,
                number=below.number,
                head_name=below.head_name,
                stars=below.stars,
                named_stars=below.named_stars,
                awarded_by=by,
                awarded_at=at or timezone.now(),
            )
    except IntegrityError:  # the same household selected twice at once: the constraint keeps one
        raise AlreadyTitled(number=below.number, level=Level(nomination.to_level).label, year=below.year) from None


def quota_set(*, year: int, places: int, by, town=None, county=None) -> Quota:
    """A town's quota is set by its county's officers; a county's by a superuser."""
    if town is not None:
        if not is_county_officer(by, town.county):
            raise NotYours()
        owner = {"town": town}
    else:
        if not by.is_superuser:
            raise NotYours()
        owner = {"county": county}
    quota, _created = Quota.objects.update_or_create(year=year, defaults={"places": places}, **owner)
    return quota


def _locked(selection: Selection, state: str, *, action: str) -> Selection:
    selection = Selection.objects.select_for_update().select_related("village").get(pk=selection.pk)
    if selection.state != state:
        raise WrongState(state=selection.get_state_display(), action=action)
    return selection
