"""Closing and reopening a village's year: the only writers of `YearClose` and its snapshot.

The close locks every household of the village, in id order as the ledger's writers do, before it
reads the year and marks it closed: a concurrent entry or redemption either committed before the
close read the books (and is in its figures), or waits and then finds the year closed.
"""

from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from credits.errors import ReasonRequired
from credits.models import Entry, YearScore
from credits.services import entry_expire, entry_year_restart
from households.models import Household, Village
from households.services import ensure_may_change
from years.errors import (
    BadExpiry,
    BalanceAlreadyExpired,
    ReopenNotAllowed,
    YearAlreadyClosed,
    YearNotLatest,
    YearNotOver,
    YearOutOfOrder,
)
from years.models import YearClose, YearSnapshot
from years.selectors import live_figures

ScoreStart = YearClose.ScoreStart
BalanceStart = YearClose.BalanceStart


def year_close(
    *,
    village: Village,
    year: int,
    by,
    score_start: str = ScoreStart.CARRY,
    balance_start: str = BalanceStart.CARRY,
    expire_percent: int | None = None,
    expire_on: date | None = None,
    at: datetime | None = None,
) -> YearClose:
    """Close `year` for `village`: freeze every household's points, rank and stars of the year, and
    refuse from now on anything dated in it or before it.

    Years are closed in order: after the first close, each the year after the last one closed.
    With `score_start` RESTART each household's score is set back to the base plus what it has
    earned since the year ended (a restart entry dated the next 1 January, its balance kept by a
    carry-over entry). With `balance_start` EXPIRE, `expire_percent` of each household's balance
    at the close expires on `expire_on` (now, if that day has come; else `year_expire_due` does it
    then), less what the household spends meanwhile: the old points are spent first.
    """
    ensure_may_change(user=by, village_id=village.pk)
    now = at or timezone.now()
    if year >= timezone.localdate(now).year:
        raise YearNotOver(year=year)
    if score_start not in ScoreStart.values:
        raise BadExpiry(next=year + 1)
    _check_expiry(year, balance_start=balance_start, expire_percent=expire_percent, expire_on=expire_on)
    with transaction.atomic():
        # The ledger's lock, in its order (credits.services.checks.lock_households).
        list(Household.objects.select_for_update().filter(village=village).order_by("pk").values_list("pk"))
        now = at or timezone.now()  # when the books were read, after any writer the lock waited for
        closed_year = Village.objects.filter(pk=village.pk).values_list("closed_year", flat=True).get()
        if closed_year is not None and year <= closed_year:
            raise YearAlreadyClosed(village=village.name, year=year)
        if closed_year is not None and year != closed_year + 1:
            raise YearOutOfOrder(village=village.name, closed=closed_year, next=closed_year + 1)
        figures = live_figures(village, year)
        last_entry_id = Entry.objects.order_by("-id").values_list("id", flat=True).first() or 0
        books = {
            pk: (score, balance) for pk, score, balance in village.households.values_list("pk", "score", "balance")
        }
        close = YearClose.objects.create(
            village=village,
            year=year,
            closed_at=now,
            closed_by=by,
            score_start=score_start,
            balance_start=balance_start,
            expire_percent=expire_percent,
            expire_on=expire_on,
            last_entry_id=last_entry_id,
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
        if balance_start == BalanceStart.EXPIRE:
            expired = YearClose.objects.filter(village=village, year=year, expired_at__isnull=False).first()
            if expired:
                raise BalanceAlreadyExpired(year=year, date=formats.date_format(expired.expire_on))
        if score_start == ScoreStart.RESTART:
            _restart(close, [figure.household_id for figure in figures], at=now)
        Village.objects.filter(pk=village.pk).update(closed_year=year)
        village.closed_year = year
        if balance_start == BalanceStart.EXPIRE and expire_on <= timezone.localdate(now):
            _expire(close, at=now)
    return close


def year_expire_due(*, today: date | None = None) -> list[YearClose]:
    """Write every expiry whose day has come, of the years closed and not reopened (for cron,
    `manage.py expire_balances`); each once, recorded as by the clerk who closed the year."""
    today = today or timezone.localdate()
    due = YearClose.objects.filter(
        balance_start=BalanceStart.EXPIRE, expired_at__isnull=True, reopened_at__isnull=True, expire_on__lte=today
    )
    done = []
    for close_id in due.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            close = YearClose.objects.select_for_update().get(pk=close_id)
            if close.expired_at is None and close.reopened_at is None:
                _expire(close, at=timezone.now())
                done.append(close)
    return done


def _restart(close: YearClose, household_ids: list[int], *, at: datetime) -> None:
    """Each household's score back to the base plus its points of the years after the closed one."""
    base = settings.XIANGFENG_BASE_SCORE
    later = dict(
        YearScore.objects.filter(household_id__in=household_ids, year__gt=close.year)
        .values("household_id")
        .annotate(points=Sum("points"))
        .values_list("household_id", "points")
    )
    with translation.override(settings.LANGUAGE_CODE):
        note = _("Year %(year)s closed: the score starts %(next)s at the base of %(base)s.") % {
            "year": close.year,
            "next": close.year + 1,
            "base": base,
        }
    entry_year_restart(
        scores={pk: base + later.get(pk, 0) for pk in household_ids},
        occurred_on=date(close.year + 1, 1, 1),
        note=note,
        by=close.closed_by,
        at=at,
    )


def _expire(close: YearClose, *, at: datetime) -> None:
    """The share of each household's balance at the close that expires, less what it has spent since."""
    rows = dict(close.rows.filter(balance__gt=0).values_list("household_id", "balance"))
    spending = Q(kind=Entry.Kind.REDEMPTION) | Q(kind=Entry.Kind.REVERSAL, in_score=False)
    spent = dict(
        Entry.objects.filter(spending, household_id__in=rows, id__gt=close.last_entry_id)
        .values("household_id")
        .annotate(points=Sum("points"))
        .values_list("household_id", "points")
    )
    amounts = {pk: balance * close.expire_percent // 100 + min(spent.get(pk, 0), 0) for pk, balance in rows.items()}
    with translation.override(settings.LANGUAGE_CODE):
        note = _("Year %(year)s closed: %(percent)s%% of the balance held at the close expires.") % {
            "year": close.year,
            "percent": close.expire_percent,
        }
    entry_expire(amounts=amounts, occurred_on=close.expire_on, note=note, by=close.closed_by, at=at)
    close.expired_at = at
    close.save(update_fields=["expired_at"])


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


def _check_expiry(year: int, *, balance_start: str, expire_percent: int | None, expire_on: date | None) -> None:
    if balance_start == BalanceStart.CARRY and expire_percent is None and expire_on is None:
        return
    if balance_start != BalanceStart.EXPIRE or expire_percent is None or expire_on is None:
        raise BadExpiry(next=year + 1)
    if not 1 <= expire_percent <= 100 or expire_on.year <= year:
        raise BadExpiry(next=year + 1)
