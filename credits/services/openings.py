"""Opening households: each with its opening entry (the base score), one at a time or a whole roster."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from credits import chain
from credits.models import Entry
from credits.services.checks import check_year_open
from credits.services.ledger import _post
from credits.services.months import add_to_months
from history.context import acting
from history.models import Change
from history.services import changes_record_bulk
from households.errors import HouseholdNumberTaken, NotYours
from households.models import Household, Village, number_key
from households.selectors import villages_for
from households.services import ensure_may_change, initials_of

Kind = Entry.Kind


def household_open(
    *,
    village: Village,
    number: str,
    head_name: str,
    by,
    group: str = "",
    address: str = "",
    phone: str = "",
    opening_points: int | None = None,
    opened_on: date | None = None,
    at: datetime | None = None,
) -> Household:
    """Open a household and write its opening entry (the base score unless told otherwise).

    `at` is when it was opened, for a household whose opening is recorded from the past (the demo);
    it defaults to now."""
    ensure_may_change(user=by, village_id=village.pk)
    points = settings.XIANGFENG_BASE_SCORE if opening_points is None else opening_points
    number = number.strip()
    try:
        with transaction.atomic(), acting(by):
            household = Household.objects.create(
                village=village,
                number=number,
                number_key=number_key(number),
                head_name=head_name.strip(),
                head_initials=initials_of(head_name.strip()),
                group=group.strip(),
                address=address.strip(),
                phone=phone.strip(),
            )
            _post(
                household=household,
                kind=Kind.OPENING,
                points=points,
                occurred_on=opened_on or timezone.localdate(),
                by=by,
                at=at,
            )
            if at is not None:
                # `created_at` is stamped on insert; an opening from the past says when it was.
                Household.objects.filter(pk=household.pk).update(created_at=at)
                household.created_at = at
    except IntegrityError:
        # Named as the village wrote it: 0004 is taken when someone types 4.
        taken = Household.objects.filter(village=village, number_key=number_key(number)).first()
        if taken:
            raise HouseholdNumberTaken(number=taken.number) from None
        raise
    return household


@dataclass(frozen=True)
class NewHousehold:
    """One household of a roster to open: its own fields, and its opening points (the base if None)."""

    village: Village
    number: str
    head_name: str
    group: str = ""
    address: str = ""
    phone: str = ""
    opening_points: int | None = None


def household_open_batch(*, households: Sequence[NewHousehold], by, opened_on: date | None = None) -> list[Household]:
    """Open many households at once, each with its opening entry, all or nothing (a roster import).

    The same as `household_open` for each, in a fixed number of queries whatever their number:
    refuses the whole batch if any village is not in `by`'s care or any number is already used.
    """
    village_ids = {new.village.pk for new in households}
    if villages_for(by, write=True).filter(pk__in=village_ids).count() != len(village_ids):
        raise NotYours()
    opened_on = opened_on or timezone.localdate()
    base = settings.XIANGFENG_BASE_SCORE
    rows = []
    for new in households:
        points = base if new.opening_points is None else new.opening_points
        name = new.head_name.strip()
        rows.append(
            Household(
                village=new.village,
                number=new.number.strip(),
                number_key=number_key(new.number),
                head_name=name,
                head_initials=initials_of(name),
                group=new.group.strip(),
                address=new.address.strip(),
                phone=new.phone.strip(),
                score=points,
                balance=points,
            )
        )
    try:
        with transaction.atomic():
            check_year_open(village_ids, occurred_on=opened_on)
            created = Household.objects.bulk_create(rows, batch_size=500)
            changes_record_bulk(pairs=[(None, household) for household in created], action=Change.Action.CREATE, by=by)
            now = timezone.now()
            entries = []
            for household in created:
                entry = Entry(
                    household=household,
                    kind=Kind.OPENING,
                    points=household.score,
                    in_score=True,
                    occurred_on=opened_on,
                    recorded_by=by,
                    created_at=now,
                    score_after=household.score,
                    balance_after=household.balance,
                )
                chain.link(entry, household=household)
                entries.append(entry)
            Entry.objects.bulk_create(entries, batch_size=500)
            add_to_months(entries)
            # The heads need the households' ids, which only their insert gives.
            Household.objects.bulk_update(created, ["chain_head"], batch_size=500)
    except IntegrityError:
        taken = Household.objects.filter(
            village_id__in=village_ids, number_key__in=[row.number_key for row in rows]
        ).values_list("number", flat=True)
        if taken:
            raise HouseholdNumberTaken(number=", ".join(sorted(taken)[:5])) from None
        raise
    return created
