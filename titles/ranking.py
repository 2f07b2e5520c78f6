"""A town-wide ranking of households by a year's points, for the town's and county's officers: every
village's figures of the year (frozen once closed, live before), merged, with the titles held."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from households.models import Town
from titles.models import Level, Title
from years.selectors import year_figures


@dataclass(frozen=True)
class TownRow:
    rank: int  # in the town; equal points share a rank
    village: str
    number: str
    head_name: str
    points: int
    stars: int
    village_rank: int
    frozen: bool
    levels: list[str]  # the titles of the year held, highest first


def towns_for_officer(user) -> QuerySet[Town]:
    """The towns whose ranking `user` reads: their towns, their county's towns; every town for a superuser."""
    if not (user.is_authenticated and user.is_active):
        return Town.objects.none()
    if user.is_superuser:
        return Town.objects.all()
    return Town.objects.filter(Q(officers=user) | Q(county__officers=user)).distinct()


def town_ranking(town: Town, year: int) -> list[TownRow]:
    """Every household in the scheme in the town's villages, best points of the year first."""
    held = defaultdict(list)
    order = {Level.COUNTY: 0, Level.TOWN: 1, Level.VILLAGE: 2}
    for household_id, level in sorted(
        Title.objects.filter(village__town=town, year=year).values_list("household_id", "level"),
        key=lambda row: order[row[1]],
    ):
        held[household_id].append(str(Level(level).label))
    merged = []
    for village in town.villages.order_by("name"):
        for figure in year_figures(village, year):
            if figure.rank is not None:
                merged.append((village.name, figure))
    merged.sort(key=lambda item: (-item[1].points, item[0], item[1].number))
    rows: list[TownRow] = []
    for position, (village_name, figure) in enumerate(merged, start=1):
        rank = rows[-1].rank if rows and rows[-1].points == figure.points else position
        rows.append(
            TownRow(
                rank=rank,
                village=village_name,
                number=figure.number,
                head_name=figure.head_name,
                points=figure.points,
                stars=figure.stars,
                village_rank=figure.rank,
                frozen=figure.frozen,
                levels=held.get(figure.household_id, []),
            )
        )
    return rows
