"""What a village's board shows of its titles: the latest year's titled households and, while a
selection is on notice, its candidates; two queries, names as the board's setting shows them."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db.models import Subquery

from households.models import Village
from titles.models import Candidate, Level, Selection, Title

ORDER = {Level.COUNTY: 0, Level.TOWN: 1, Level.VILLAGE: 2}


@dataclass(frozen=True)
class BoardHousehold:
    level: str  # the level's words, "" for a candidate
    number: str
    name: str
    stars: int
    named_stars: list[str]


@dataclass(frozen=True)
class BoardTitles:
    year: int | None  # the latest year with titles
    titles: list[BoardHousehold]  # the highest level first, each household once at its highest
    notice_year: int | None
    notice_until: date | None
    candidates: list[BoardHousehold]  # on notice; empty when no selection is


def board_titles(village: Village, *, name_of: Callable[[str], str]) -> BoardTitles:
    latest = Title.objects.filter(village=village).order_by("-year").values("year")[:1]
    rows = Title.objects.filter(village=village, year=Subquery(latest)).values_list(
        "year", "level", "number", "head_name", "stars", "named_stars", "household_id"
    )
    highest: dict[int, tuple] = {}
    for row in sorted(rows, key=lambda row: ORDER[row[1]]):
        highest.setdefault(row[6], row)
    titles = [
        BoardHousehold(str(Level(level).label), number, name_of(head), stars, named or [])
        for _year, level, number, head, stars, named, _pk in sorted(
            highest.values(), key=lambda row: (ORDER[row[1]], -row[4], row[2])
        )
    ]
    year = next(iter(highest.values()))[0] if highest else None
    candidates = list(
        Candidate.objects.filter(selection__village=village, selection__state=Selection.State.NOTICE)
        .order_by("-selection__year", "-points", "number")
        .values_list("selection__year", "selection__notice_until", "number", "head_name", "stars", "named_stars")
    )
    notice_year = candidates[0][0] if candidates else None
    return BoardTitles(
        year=year,
        titles=titles,
        notice_year=notice_year,
        notice_until=candidates[0][1] if candidates else None,
        candidates=[
            BoardHousehold("", number, name_of(head), stars, named or [])
            for sel_year, _until, number, head, stars, named in candidates
            if sel_year == notice_year
        ],
    )
