"""Reads of a village's years: the year's figures, live while it is open and frozen once closed.

`year_figures` is what the selection of titles (星级文明户) and every page showing a year's rank
or stars read: per household its points of the year, rank and stars, and whether they come from
the close's frozen snapshot or from the live ledger.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from credits.models import Entry, YearScore
from households.models import Household, Village
from households.selectors import star_levels, stars_for_year
from years.models import YearClose, YearSnapshot


@dataclass(frozen=True)
class HouseholdYear:
    household_id: int
    number: str
    head_name: str
    points: int  # the year's points, the opening excepted
    rank: int | None  # among the households in the scheme; equal points share a rank; None if closed
    stars: int  # from the year's points by the village's levels
    frozen: bool  # True: from the year's close (never changes); False: live from the ledger


def standing_close(village: Village, year: int) -> YearClose | None:
    """The close in force of a village's year, if it is closed (reopened closes are history)."""
    return YearClose.objects.filter(village=village, year=year, reopened_at__isnull=True).first()


def year_is_closed(village: Village, year: int) -> bool:
    return YearClose.objects.filter(village=village, year=year, reopened_at__isnull=True).exists()


def year_figures(village: Village, year: int) -> list[HouseholdYear]:
    """Every household of the village in `year`, best rank first (then by number); two queries.

    A closed year reads its snapshot; an open one the ledger's cached points of the year
    (`YearScore`), over the households opened by the year's end and not closed before it began.
    """
    close = standing_close(village, year)
    if close is not None:
        return snapshot_figures(close)
    return live_figures(village, year)


def snapshot_figures(close: YearClose) -> list[HouseholdYear]:
    rows = close.rows.order_by(Coalesce("rank", Value(2**31 - 1)), "number", "pk").values_list(
        "household_id", "number", "head_name", "points", "rank", "stars"
    )
    return [HouseholdYear(*row, frozen=True) for row in rows]


def live_figures(village: Village, year: int) -> list[HouseholdYear]:
    opening = (
        Entry.objects.filter(household=OuterRef("pk"), kind=Entry.Kind.OPENING)
        .order_by("id")
        .values("occurred_on")[:1]
    )
    points = YearScore.objects.filter(household=OuterRef("pk"), year=year).values("points")[:1]
    rows = (
        Household.objects.filter(village=village)
        .filter(Q(active=True) | Q(closed_on__gte=date(year, 1, 1)))
        .annotate(opened_on=Subquery(opening), year_points=Coalesce(Subquery(points), 0))
        .filter(opened_on__lte=date(year, 12, 31))
        .values_list("pk", "number", "head_name", "year_points", "active")
    )
    levels = star_levels(village.pk)
    ranked = sorted(rows, key=lambda row: (not row[4], -row[3], row[1]))
    figures: list[HouseholdYear] = []
    for position, (pk, number, head_name, year_points, active) in enumerate(ranked, start=1):
        rank = None
        if active:
            previous = figures[-1] if figures else None
            same = previous is not None and previous.rank is not None and previous.points == year_points
            rank = previous.rank if same else position
        figures.append(
            HouseholdYear(
                household_id=pk,
                number=number,
                head_name=head_name,
                points=year_points,
                rank=rank,
                stars=stars_for_year(year_points, levels),
                frozen=False,
            )
        )
    return figures


def latest_closed_year(household: Household) -> YearSnapshot | None:
    """The household's figures of the latest year its village has closed (and not reopened), if any;
    one query."""
    return (
        YearSnapshot.objects.filter(household=household, close__reopened_at__isnull=True)
        .select_related("close")
        .order_by("-close__year")
        .first()
    )
