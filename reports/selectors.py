"""The figures of the report page, for a set of villages and a period, in a fixed number of queries.

A village's report is the set of one village; an officer's town report is the town's villages.
Every figure is a sum over the ledger or the shop grouped in the database (by village, rule and
month, from the months' totals: `reports.ledger`; by village and group; by village and score), so
the number of queries does not grow with history, households or villages. Points follow the
ledger's meaning: a reversal counts against the side it undoes (a reversed award lowers
"awarded"), in the month of the deed it undoes; adjustments outside the catalogue belong to no
domain and are left out; voided redemptions are left out.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from cases.models import Case
from credits.models import Entry, YearScore
from exchange.models import Product, RedemptionLine
from households.models import Household, Village
from households.selectors import group_order, star_levels_of, stars_for_year
from reports.ledger import TOP, Sides, ledger_figures

Kind = Entry.Kind


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # included

    @classmethod
    def last_twelve_months(cls, today: date) -> "Period":
        first = today.replace(day=1)
        for _ in range(11):
            first = (first - timedelta(days=1)).replace(day=1)
        return cls(first, today)

    def months(self) -> list[date]:
        months, month = [], self.start.replace(day=1)
        while month <= self.end:
            months.append(month)
            month = (month + timedelta(days=32)).replace(day=1)
        return months


@dataclass
class GroupFigures:
    name: str
    households: int
    participating: int

    @property
    def rate(self) -> float:
        return self.participating / self.households if self.households else 0.0


@dataclass
class VillageFigures:
    village: Village
    households: int = 0
    participating: int = 0
    score_sum: int = 0
    deductions: int = 0  # occurrences in the period, less those reversed

    @property
    def participation(self) -> float:
        return self.participating / self.households if self.households else 0.0

    @property
    def average_score(self) -> float:
        return self.score_sum / self.households if self.households else 0.0

    @property
    def deductions_per_100(self) -> float:
        return 100 * self.deductions / self.households if self.households else 0.0


@dataclass
class CaseFigures:
    """Cases (公示/待审) opened in a month, and how many of them were objected to and withdrawn."""

    opened: int = 0
    objected: int = 0
    withdrawn: int = 0


@dataclass
class Report:
    villages: list[Village]
    period: Period
    domains: list[tuple[str, Sides]]
    months: list[tuple[date, Sides]]
    rules: list[tuple[str, str, Sides]]  # (rule, domain, figures), most used first
    groups: list[GroupFigures]
    stars: list[tuple[int, int]]  # (stars, households), 0 stars first
    redemptions: list[tuple[date, int, int]]  # (month, redemptions, points)
    goods: list[tuple[str, int, int]]  # (name, quantity, points), most redeemed first
    low_stock: list[Product]
    comparison: list[VillageFigures] = field(default_factory=list)
    cases: list[tuple[date, CaseFigures]] = field(default_factory=list)  # by month opened

    @property
    def totals(self) -> Sides:
        return Sides(
            awarded=sum(s.awarded for _d, s in self.domains),
            deducted=sum(s.deducted for _d, s in self.domains),
            times=sum(s.times for _d, s in self.domains),
        )

    @property
    def households(self) -> int:
        return sum(v.households for v in self.comparison)

    @property
    def participating(self) -> int:
        return sum(v.participating for v in self.comparison)


def village_report(villages: list[Village], period: Period) -> Report:
    """Every figure of the report page for `villages` (already scoped to the reader) and `period`."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Grouping a town's year of ledger (hundreds of thousands of rows) spills to disk with
            # PostgreSQL's default 4 MB, and compiling these one-off aggregates (JIT) costs half a
            # second more than it saves: for this transaction only, more memory and no JIT.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL work_mem = '64MB'")
                cursor.execute("SET LOCAL jit = off")
        return _report(villages, period)


def _report(villages: list[Village], period: Period) -> Report:
    ids = [village.pk for village in villages]
    by_village = {village.pk: VillageFigures(village) for village in villages}
    domains, months, rules = _ledger(ids, period, by_village)
    groups = _participation(ids, period, by_village)  # before the stars: they need the open households
    stars = _stars(ids, by_village)
    redemptions, goods = _redemptions(ids, period)
    cases = _cases(ids, period)
    return Report(
        cases=cases,
        villages=villages,
        period=period,
        domains=domains,
        months=months,
        rules=rules,
        groups=groups,
        stars=stars,
        redemptions=redemptions,
        goods=goods,
        low_stock=list(
            Product.objects.filter(shop__village_id__in=ids, shop__active=True, active=True, stock__lte=F("low_stock"))
            .select_related("shop")
            .order_by("stock", "name")
        ),
        comparison=list(by_village.values()),
    )


def _ledger(ids, period: Period, by_village: dict[int, VillageFigures]):
    """Awards and deductions by domain, by month and by rule, and each village's deductions: from the
    months' totals (`reports.ledger`)."""
    deductions: dict[int, int] = defaultdict(int)
    figures = ledger_figures(ids, period, deductions)
    for village_id, n in deductions.items():
        by_village[village_id].deductions = n
    return figures


def _participation(ids, period: Period, by_village: dict[int, VillageFigures]) -> list[GroupFigures]:
    """Open households by village and group, those with an award (not undone) in the period, and their scores.

    For a period ending today or later, a household took part if its latest award not undone
    (`Household.last_award_on`, kept by the ledger's services) falls on or after the start: no award
    is dated after today (the services refuse a future deed), so that is one column of the rows
    counted anyway. A period ending in the past asks the entries, one probe per household."""
    if period.end >= timezone.localdate():
        took_part = Q(last_award_on__gte=period.start)
    else:
        # "Not reversed" as NOT EXISTS on the reversals' unique index: the join Django writes for
        # `reversal__isnull` lets PostgreSQL hash every award of the county for a long period.
        reversed_ = Entry.objects.filter(reverses_id=OuterRef("pk"))
        awarded = Entry.objects.filter(
            household=OuterRef("pk"),
            kind=Kind.AWARD,
            occurred_on__gte=period.start,
            occurred_on__lte=period.end,
        ).filter(~Exists(reversed_))
        took_part = Exists(awarded)
    rows = (
        Household.objects.filter(village_id__in=ids, active=True)
        .values("village_id", "group")
        .annotate(total=Count("pk"), participating=Count("pk", filter=took_part), score_sum=Sum("score"))
        .order_by()
    )
    groups: dict[str, GroupFigures] = {}
    for row in rows:
        figures = by_village[row["village_id"]]
        figures.households += row["total"]
        figures.participating += row["participating"]
        figures.score_sum += row["score_sum"]
        group = groups.setdefault(row["group"], GroupFigures(row["group"], 0, 0))
        group.households += row["total"]
        group.participating += row["participating"]
    return sorted(groups.values(), key=lambda group: (group.name == "", group_order(group.name)))


def _stars(ids, by_village: dict[int, VillageFigures]) -> list[tuple[int, int]]:
    """Open households by star level, each village by its own thresholds, from this year's points.

    Counted from the year's points alone, by their (village, year, points) index, less the rows of
    the villages' few closed households (by their own index); an open household with no row has 0
    points, and how many there are follows from the open households `_participation` counted.
    Joining every household to its row instead read the whole county's households (160 ms of the
    county's report at 100,000 households)."""
    levels = star_levels_of(ids)
    year = timezone.localdate().year
    # Each closed household's row looked up by its own (household, year) key: joined, PostgreSQL
    # hashes every row of the year to find the few.
    closed = (
        Household.objects.filter(village_id__in=ids, active=False)
        .annotate(points=Subquery(YearScore.objects.filter(household=OuterRef("pk"), year=year).values("points")))
        .values_list("village_id", "points")
    )
    by_points: dict[tuple[int, int], int] = defaultdict(int)
    for rows, sign in ((_year_points_counts(ids, year), 1), (closed.annotate(n=Count("pk")).order_by(), -1)):
        for village_id, points, n in rows:
            if points is not None:  # a closed household with no row this year
                by_points[village_id, points] += sign * n
                by_points[village_id, 0] -= sign * n
    for village_id, figures in by_village.items():
        by_points[village_id, 0] += figures.households
    counts: dict[int, int] = defaultdict(int)
    for (village_id, points), n in by_points.items():
        counts[stars_for_year(points, levels[village_id])] += n
    most = max((stars for scheme in levels.values() for stars, _min in scheme), default=0)
    return [(stars, counts.get(stars, 0)) for stars in range(most + 1)]


def _year_points_counts(ids, year: int) -> list[tuple[int, int, int]]:
    """(village, points, households) of the villages' rows of `year`'s points, closed households' too.

    On PostgreSQL one index-only range of the (village, year, points) index per village, already in
    the order of the points: asked for all the villages at once, it reads the rows' pages through a
    bitmap and hashes them (19 ms against 12 ms for the 100,000-household county)."""
    if connection.vendor != "postgresql":
        rows = YearScore.objects.filter(village_id__in=ids, year=year).values_list("village_id", "points")
        return list(rows.annotate(n=Count("pk")).order_by())
    table = connection.ops.quote_name(YearScore._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT v.id, s.points, s.n FROM unnest(%s::bigint[]) AS v(id) CROSS JOIN LATERAL "
            f"(SELECT points, count(*) AS n FROM {table} WHERE village_id = v.id AND year = %s GROUP BY points) s",
            [list(ids), year],
        )
        return cursor.fetchall()


def _redemptions(ids, period: Period):
    """Redemptions by month and the most redeemed goods, voided ones left out."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(period.start, time.min, tzinfo=zone)
    end = datetime.combine(period.end + timedelta(days=1), time.min, tzinfo=zone)
    lines = RedemptionLine.objects.filter(
        redemption__shop__village_id__in=ids,
        redemption__created_at__gte=start,
        redemption__created_at__lt=end,
        redemption__void__isnull=True,
    )
    monthly = (
        lines.values(month=TruncMonth("redemption__created_at", tzinfo=zone))
        .annotate(redemptions=Count("redemption_id", distinct=True), points=Sum(F("unit_price") * F("quantity")))
        .order_by()
    )
    by_month = {month: (0, 0) for month in period.months()}
    for row in monthly:
        by_month[_as_date(row["month"])] = (row["redemptions"], row["points"])
    goods = (
        lines.values("name")
        .annotate(spent=Sum(F("unit_price") * F("quantity")), units=Sum("quantity"))
        .order_by("-units", "name")[:TOP]
    )
    return (
        [(month, n, points) for month, (n, points) in sorted(by_month.items())],
        [(row["name"], row["units"], row["spent"]) for row in goods],
    )


def _cases(ids, period: Period) -> list[tuple[date, CaseFigures]]:
    """Cases opened in each month of the period, with those objected to and withdrawn; one query."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(period.start, time.min, tzinfo=zone)
    end = datetime.combine(period.end + timedelta(days=1), time.min, tzinfo=zone)
    rows = (
        Case.objects.filter(village_id__in=ids, created_at__gte=start, created_at__lt=end)
        .values(month=TruncMonth("created_at", tzinfo=zone))
        .annotate(
            opened=Count("id"),
            objected=Count("id", filter=Q(objected_at__isnull=False)),
            withdrawn=Count("id", filter=Q(state=Case.State.WITHDRAWN)),
        )
        .order_by()
    )
    by_month = {month: CaseFigures() for month in period.months()}
    for row in rows:
        by_month[_as_date(row["month"])] = CaseFigures(row["opened"], row["objected"], row["withdrawn"])
    return sorted(by_month.items())


def _as_date(value) -> date:
    return value.date() if isinstance(value, datetime) else value
