"""Closing and reopening a village's year: the only writers of `YearClose` and its snapshot.

The close locks every household of the village, in id order as the ledger's writers do, before it
reads the year and marks it closed: a concurrent entry or redemption either committed before the
close read the books (and is in its figures), or waits and then finds the year closed.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from credits.errors import ReasonRequired
from households.models import Household, Village
from households.services import ensure_may_change
from years.errors import ReopenNotAllowed, YearAlreadyClosed, YearNotLatest, YearNotOver, YearOutOfOrder
from years.models import YearClose, YearSnapshot
from years.selectors import live_figures


def year_close(
    *,
    village: Village,
    year: int,
    by,
    at: datetime | None = None,
) -> YearClose:
    """Close `year` for `village`: freeze every household's points, rank and stars of the year, and
    refuse from now on anything dated in it or before it.

    Years are closed in order: after the first close, each the year after the last one closed.
    """
    ensure_may_change(user=by, village_id=village.pk)
    now = at or timezone.now()
    if year >= timezone.localdate(now).year:
        raise YearNotOver(year=year)
    with transaction.atomic():
        # The ledger's lock, in its order (credits.services.ledger._lock_households).
        list(Household.objects.select_for_update().filter(village=village).order_by("pk").values_list("pk"))
        closed_year = Village.objects.filter(pk=village.pk).values_list("closed_year", flat=True).get()
        if closed_year is not None and year <= closed_year:
            raise YearAlreadyClosed(village=village.name, year=year)
        if closed_year is not None and year != closed_year + 1:
            raise YearOutOfOrder(village=village.name, closed=closed_year, next=closed_year + 1)
        figures = live_figures(village, year)
        books = {
            pk: (score, balance) for pk, score, balance in village.households.values_list("pk", "score", "balance")
        }
        close = YearClose.objects.create(
            village=village,
            year=year,
            closed_at=now,
            closed_by=by,
            households=len(figures),
            points=sum(figure.points for figure in figures),
        )
        YearSnapshot.objects.bulk_create(
            (
                YearSnapshot(
                    close=close,
                    household_id=figure.household_id,
                    number=figure.number,
                    head_name=figure.head_name,
                    points=figure.points,
                    rank=figure.rank,
                    stars=figure.stars,
                    score=books[figure.household_id][0],
                    balance=books[figure.household_id][1],
                )
                for figure in figures
            ),
            batch_size=1000,
        )
        Village.objects.filter(pk=village.pk).update(closed_year=year)
        village.closed_year = year
    return close


def year_reopen(*, close: YearClose, reason: str, by, at: datetime | None = None) -> YearClose:
    """Reopen a village's latest closed year: a superuser's act, with a reason. The close and its
    snapshot stay as they were, marked reopened; closing the year again writes a new snapshot.
    Entries the close wrote (a restart, an expiry) stay in the ledger: the books are append-only,
    and a new close writes only what is still due."""
    if not (by.is_active and by.is_superuser):
        raise ReopenNotAllowed()
    reason = reason.strip()
    if not reason:
        raise ReasonRequired()
    with transaction.atomic():
        list(
            Household.objects.select_for_update().filter(village_id=close.village_id).order_by("pk").values_list("pk")
        )
        village = Village.objects.get(pk=close.village_id)
        close = YearClose.objects.select_for_update().get(pk=close.pk)
        if close.reopened_at is not None or village.closed_year != close.year:
            raise YearNotLatest(year=village.closed_year)
        close.reopened_at = at or timezone.now()
        close.reopened_by = by
        close.reopen_reason = reason[:200]
        close.save(update_fields=["reopened_at", "reopened_by", "reopen_reason"])
        before = (
            YearClose.objects.filter(village=village, year=close.year - 1, reopened_at__isnull=True)
            .values_list("year", flat=True)
            .first()
        )
        Village.objects.filter(pk=village.pk).update(closed_year=before)
    return close
