"""Reads for the public pages: what a village's board shows, in a fixed number of queries.

The board hangs in the village hall, so its rows carry only what may be shown there: a household's
number, its head's name (surname only unless the village chose otherwise), stars and points. Phones,
addresses, PINs and card codes are never even read: every query here names the columns it needs.
`village_board` returns plain dataclasses so the API can serve the same figures later.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone

from activities.selectors import upcoming
from cases.models import Case, ProcessSettings
from credits.models import Entry, YearScore
from credits.selectors import fingerprint_time, village_fingerprint
from households.models import Village
from households.selectors import star_counts, star_levels, stars_for_year
from public.models import BoardSettings
from titles.board import BoardTitles, board_titles

# Two-character surnames (复姓) still met today; any other name's surname is its first character.
COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 司空 夏侯 轩辕 令狐 钟离 澹台 "
    "公冶 太史 端木 申屠 南宫 西门 独孤 万俟 闻人 赫连 呼延 百里 东郭 拓跋 濮阳 淳于 单于 第五 "
    "左丘 谷梁 宗政 公羊 羊舌 梁丘 乐正 漆雕 巫马 子车 颛孙 亓官 司寇 仲孙 微生 公西 壤驷".split()
)
MASK = "×"
BOARD_ACTIVITIES = 3  # the soonest few: the board is one screen, and the lookup page lists them all


def mask_name(name: str) -> str:
    """王建国 → 王×, 欧阳修 → 欧阳×: the surname says who to congratulate without naming anyone."""
    name = name.strip()
    surname = name[:2] if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else name[:1]
    return f"{surname}{MASK}"


@dataclass(frozen=True)
class RankedHousehold:
    rank: int  # equal points share a rank: 1, 2, 2, 4
    number: str
    name: str
    stars: int
    points: int


@dataclass(frozen=True)
class BoardEntry:
    occurred_on: date
    number: str
    name: str
    rule: str
    points: int


@dataclass(frozen=True)
class BoardActivity:
    """An activity still to come, as the village hall may see it: no household is named."""

    title: str
    held_on: date
    starts_at: time | None
    place: str
    places_left: int | None  # None for no limit
    signup_until: datetime
    signup_open: bool


@dataclass(frozen=True)
class StarCount:
    stars: int
    min_score: int
    households: int


@dataclass(frozen=True)
class Board:
    """One village's board. A list is None when the village chose not to show it."""

    village_code: str
    village_name: str
    year: int
    updated_at: datetime
    most_stars: int  # the top level of the village's scheme
    recent_days: int
    deduction_days: int  # the village's own period for its list of deductions
    red_list: list[RankedHousehold] | None
    star_counts: list[StarCount] | None  # most stars first
    without_stars: int | None  # active households below the first level
    recent_awards: list[BoardEntry] | None
    deductions: list[BoardEntry] | None
    pending: list[BoardEntry] | None  # cases in notice, masked; None unless the village shows them
    fingerprint: str  # over all the village's households' ledger chains, as of fingerprint_at
    fingerprint_at: datetime
    titles: BoardTitles  # the latest year's star households, and the candidates while on notice
    activities: list[BoardActivity]  # the village's activities still to come, soonest first


def board_settings(village: Village) -> BoardSettings:
    """The village's settings, or the defaults (unsaved) until its clerk saves some: a GET never writes."""
    return BoardSettings.objects.filter(village=village).first() or BoardSettings(village=village)


def _settings(village: Village) -> tuple[BoardSettings, ProcessSettings]:
    """The village's board settings and its notice settings, or their defaults, in one query."""
    row = Village.objects.select_related("board_settings", "process_settings").get(pk=village.pk)
    try:
        options = row.board_settings
    except ObjectDoesNotExist:
        options = BoardSettings(village=village)
    try:
        process = row.process_settings
    except ObjectDoesNotExist:
        process = ProcessSettings(village=village)
    return options, process


def village_board(village: Village, *, today: date | None = None) -> Board:
    """Everything the board shows, in at most eleven queries however many households and entries.

    Deductions are final ones only, from the ledger: a case in notice or under review is not an
    entry, and a withdrawn one never will be. The village may show its cases in notice apart,
    masked whatever its naming choice, and marked as not final.
    """
    today = today or timezone.localdate()
    options, process = _settings(village)
    levels = star_levels(village.pk)
    name_of = mask_name if options.mask_names else str.strip
    since = today - timedelta(days=options.recent_days)
    red_list = stars = without_stars = recent_awards = deductions = pending = None
    if options.show_red_list:
        red_list = _red_list(village, today.year, options.red_list_size, levels, name_of)
    if options.show_stars:
        counts = star_counts(village.pk, levels, year=today.year)
        stars = [StarCount(level, min_score, counts.get(level, 0)) for level, min_score in reversed(levels)]
        without_stars = counts.get(0, 0)
    if options.show_recent:
        recent_awards = _entries(village, Entry.Kind.AWARD, since, today, options.recent_size, name_of)
    if options.show_black_list:
        deduction_since = today - timedelta(days=process.board_days)
        deductions = _entries(village, Entry.Kind.DEDUCTION, deduction_since, today, options.black_list_size, name_of)
        if process.board_shows_pending:
            pending = _pending(village, options.black_list_size)
    fingerprint_at = fingerprint_time()
    return Board(
        village_code=village.code,
        village_name=village.name,
        year=today.year,
        updated_at=timezone.localtime(),
        most_stars=max((level for level, _min_score in levels), default=0),
        recent_days=options.recent_days,
        deduction_days=process.board_days,
        red_list=red_list,
        star_counts=stars,
        without_stars=without_stars,
        recent_awards=recent_awards,
        deductions=deductions,
        pending=pending,
        fingerprint=village_fingerprint(village, at=fingerprint_at),
        fingerprint_at=fingerprint_at,
        titles=board_titles(village, name_of=name_of),
        activities=_activities(village, BOARD_ACTIVITIES),
    )


def _activities(village, size) -> list[BoardActivity]:
    """The village's soonest activities neither closed nor cancelled, with the places left; one query."""
    now = timezone.now()
    rows = upcoming(village.pk).values_list(
        "title", "held_on", "starts_at", "place", "capacity", "taken", "signup_until"
    )[:size]
    return [
        BoardActivity(
            title=title,
            held_on=held_on,
            starts_at=starts_at,
            place=place,
            places_left=None if capacity is None else max(capacity - taken, 0),
            signup_until=signup_until,
            signup_open=now <= signup_until,
        )
        for title, held_on, starts_at, place, capacity, taken, signup_until in rows
    ]


def _red_list(village, year, size, levels, name_of) -> list[RankedHousehold]:
    """The households with the most points this year, one query on the (village, year, points) index.

    Only households that earned points this year are on it: a red list of zeros honours no one.
    The shown households are a prefix of the whole ranking, so their shared ranks are exact.
    """
    rows = (
        YearScore.objects.filter(village=village, year=year, points__gt=0, household__active=True)
        .order_by("-points", "household__number")
        .values_list("points", "household__number", "household__head_name")[:size]
    )
    ranked: list[RankedHousehold] = []
    for position, (points, number, head_name) in enumerate(rows, start=1):
        rank = ranked[-1].rank if ranked and ranked[-1].points == points else position
        ranked.append(
            RankedHousehold(
                rank=rank, number=number, name=name_of(head_name), stars=stars_for_year(points, levels), points=points
            )
        )
    return ranked


def _entries(village, kind, since, today, size, name_of) -> list[BoardEntry]:
    """The village's latest entries of one kind whose deed fell in [since, today], newest first.

    A reversed entry was a mistake and is left off; so are closed households, as everywhere on the board.
    """
    rows = (
        Entry.objects.filter(
            kind=kind,
            household__village=village,
            household__active=True,
            occurred_on__range=(since, today),
            reversal__isnull=True,
        )
        .order_by("-occurred_on", "-id")
        .values_list("occurred_on", "household__number", "household__head_name", "rule_name", "points")[:size]
    )
    return [
        BoardEntry(occurred_on=occurred_on, number=number, name=name_of(head_name), rule=rule_name, points=points)
        for occurred_on, number, head_name, rule_name, points in rows
    ]


def _pending(village, size) -> list[BoardEntry]:
    """The village's cases in notice or under review, newest first, the head's name always masked."""
    rows = (
        Case.objects.filter(
            village=village, state__in=[Case.State.NOTICE, Case.State.OBJECTED], household__active=True
        )
        .order_by("-id")
        .values_list("occurred_on", "household__number", "household__head_name", "rule_name", "points")[:size]
    )
    return [
        BoardEntry(occurred_on=occurred_on, number=number, name=mask_name(head_name), rule=rule_name, points=points)
        for occurred_on, number, head_name, rule_name, points in rows
    ]


def village_boards() -> list[tuple[str, str, str]]:
    """(code, name, town) of every village, for the home page's links to the boards; one query."""
    return list(Village.objects.order_by("town__name", "name").values_list("code", "name", "town__name"))
