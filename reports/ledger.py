"""The report's ledger figures: awards and deductions by domain, by month and by rule, and each
village's deductions, read from the months' totals (`credits.models.MonthTotal`) for every month the
period covers whole, and from the entries only for the days of a month it covers in part.

A month counts as covered whole when the period runs from its first day to its last, or to today
(no entry is dated after today: the ledger refuses a deed in the future). The default period, the
last twelve months to today, and any period of whole months read no entry at all, so the report's
cost follows villages × months × rules used, not the entries recorded.

Grouped by what each entry was recorded under, not by today's catalogue: a rule renamed or moved to
another domain since leaves its past where it was. Points follow the ledger's meaning: a reversal
counts against the side it undoes (a reversed award lowers "awarded"), in the month of the deed it
undoes; entries of no rule (openings, adjustments, the shop, the year's close) are left out.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Min, OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from credits.models import Domain, Entry, MonthTotal
from households.models import Household, Village

Kind = Entry.Kind
# The two sides of the catalogue, reversals counted against what they undo.
AWARD_SIDE = Q(kind=Kind.AWARD) | Q(kind=Kind.REVERSAL, points__lt=0)
DEDUCTION_SIDE = Q(kind=Kind.DEDUCTION) | Q(kind=Kind.REVERSAL, points__gt=0)
TOP = 10


@dataclass
class Sides:
    awarded: int = 0
    deducted: int = 0  # negative or zero
    times: int = 0  # occurrences, less those reversed

    @property
    def net(self) -> int:
        return self.awarded + self.deducted


def ledger_figures(ids: list[int], period, deductions: dict[int, int]):
    """(by domain, by month, the most used rules) for the villages `ids` over `period`; fills
    `deductions` (village id → deductions in the period, less those reversed)."""
    today = timezone.localdate()
    whole, parts = split(period, today=today)
    whole, parts, left_out = complements(whole, parts, today=today)
    sums: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    found = []
    if whole:
        found.append((_from_totals(ids, whole, deductions), 1))
    if parts:
        found.append((_from_entries(ids, parts, deductions), 1))
    if left_out:
        found.append((_from_entries(ids, left_out, deductions, sign=-1), -1))
    for rows, sign in found:
        for month, domain_name, rule_name, *figures in rows:
            total = sums[month, domain_name, rule_name]
            for i, figure in enumerate(figures):
                total[i] += sign * figure
    # A group whose entries all fell on the days left out has none left: it was not in the period.
    rows = [(*key, awarded, deducted, times) for key, (awarded, deducted, times, n) in sums.items() if n]
    # Domains in the villages' catalogue order, then any that only past entries name.
    ordered = (
        Domain.objects.filter(version__catalogue__village_id__in=ids, version__adopted_on__isnull=False)
        .values("name")
        .annotate(first=Min("position"))
        .order_by("first", "name")
    )
    by_domain = {row["name"]: Sides() for row in ordered}
    by_month = {month: Sides() for month in period.months()}
    by_rule: dict[tuple[str, str], Sides] = defaultdict(Sides)
    for month, domain_name, rule_name, awarded, deducted, times in rows:
        domain = by_domain.setdefault(domain_name, Sides())
        for sides in (domain, by_month[month], by_rule[rule_name, domain_name]):
            sides.awarded += awarded
            sides.deducted += deducted
            sides.times += times
    top = sorted(by_rule.items(), key=lambda item: (-item[1].times, -abs(item[1].net), item[0]))
    return (
        list(by_domain.items()),
        sorted(by_month.items()),
        [(name, domain, sides) for (name, domain), sides in top[:TOP] if sides.times > 0],
    )


def split(period, *, today: date) -> tuple[tuple[date, date] | None, list[tuple[date, date]]]:
    """The first and last of the months `period` covers whole (None if none), and the date ranges of
    the months it covers in part (at most two: its first and its last)."""
    whole, parts = [], []
    for month in period.months():
        last = _next_month(month) - timedelta(days=1)
        start, end = max(month, period.start), min(last, period.end)
        if start == month and (end == last or end >= today):
            whole.append(month)
        else:
            parts.append((start, end))
    return ((whole[0], whole[-1]) if whole else None), parts


def complements(whole, parts, *, today: date):
    """Where a month the period covers in part is mostly covered, its figures read more cheaply as the
    month's totals less the entries of the days the period leaves out: "two years" to today starts on
    today's day of the month two years ago, and its first month is read from the entries of the days
    before that day. Returns the months to read from the totals (first, last), the days to read from
    the entries, and the days whose entries to take away."""
    kept, left_out = [], []
    for start, end in parts:
        month = start.replace(day=1)
        if end >= _next_month(month):  # not one month's part (as `split` gives them): read as it is
            kept.append((start, end))
            continue
        last = min(_next_month(month) - timedelta(days=1), today)
        before, after = (month, start - timedelta(days=1)), (end + timedelta(days=1), last)
        out = [(a, b) for a, b in (before, after) if a <= b]
        if sum((b - a).days + 1 for a, b in out) < (end - start).days + 1:
            left_out += out
            first, final = whole or (month, month)
            whole = (min(first, month), max(final, month))
        else:
            kept.append((start, end))
    return whole, kept, left_out


def _from_totals(ids, whole: tuple[date, date], deductions: dict[int, int]) -> list[tuple]:
    first, last = whole
    totals = MonthTotal.objects.filter(
        Q(year__gt=first.year) | Q(year=first.year, month__gte=first.month),
        Q(year__lt=last.year) | Q(year=last.year, month__lte=last.month),
        village_id__in=ids,
        in_score=True,
    ).exclude(rule_name="")
    award_side = Q(kind=Kind.AWARD) | Q(kind=Kind.REVERSAL, positive=False)
    deduction_side = Q(kind=Kind.DEDUCTION) | Q(kind=Kind.REVERSAL, positive=True)
    rows = (
        totals.values("year", "month", "domain_name", "rule_name")
        .annotate(
            awarded=Sum("points", filter=award_side, default=0),
            deducted=Sum("points", filter=deduction_side, default=0),
            done=Sum("count", filter=Q(kind__in=[Kind.AWARD, Kind.DEDUCTION]), default=0),
            undone=Sum("count", filter=Q(kind=Kind.REVERSAL), default=0),
            n=Sum("count", default=0),
        )
        .order_by()
    )
    by_village = (
        totals.filter(deduction_side)
        .values("village_id")
        .annotate(
            n=Sum("count", filter=Q(kind=Kind.DEDUCTION), default=0)
            - Sum("count", filter=Q(kind=Kind.REVERSAL), default=0)
        )
        .order_by()
    )
    for row in by_village:
        deductions[row["village_id"]] += row["n"]
    return [
        (date(row["year"], row["month"], 1), row["domain_name"], row["rule_name"],
         int(row["awarded"]), int(row["deducted"]), int(row["done"] - row["undone"]), int(row["n"]))
        for row in rows
    ]  # fmt: skip


def _from_entries(ids, parts: list[tuple[date, date]], deductions: dict[int, int], *, sign: int = 1) -> list[tuple]:
    """The same figures from the entries of the days in `parts`: one grouped query of the ledger, and a
    second one over the deductions alone (added to `deductions`, or with `sign` -1 taken away)."""
    days = Q()
    for start, end in parts:
        days |= Q(occurred_on__gte=start, occurred_on__lte=end)
    period_entries = Entry.objects.filter(days, in_score=True, rule__isnull=False)
    ours = period_entries
    if len(ids) < Village.objects.count():
        ours = period_entries.filter(household_id__in=Household.objects.filter(village_id__in=ids).values("pk"))
    # else every village of the database (a superuser's report): no household is left out, and
    # joining each entry to its household only to keep it would cost as much as the sums.
    rows = (
        ours.values("domain_name", "rule_name", month=TruncMonth("occurred_on"))
        .annotate(
            awarded=Sum("points", filter=AWARD_SIDE, default=0),
            deducted=Sum("points", filter=DEDUCTION_SIDE, default=0),
            done=Count("pk", filter=Q(kind__in=[Kind.AWARD, Kind.DEDUCTION])),
            undone=Count("pk", filter=Q(kind=Kind.REVERSAL)),
            n=Count("pk"),
        )
        .order_by()
    )
    # Each deduction's village looked up by its household's key: joined, PostgreSQL hashes every
    # household of the villages to find the villages of a few days' deductions.
    village = Subquery(Household.objects.filter(pk=OuterRef("household_id")).order_by().values("village_id"))
    by_village = (
        ours.filter(DEDUCTION_SIDE)
        .annotate(village=village)
        .values("village")
        .annotate(n=Count("pk", filter=Q(kind=Kind.DEDUCTION)) - Count("pk", filter=Q(kind=Kind.REVERSAL)))
        .order_by()
    )
    for row in by_village:
        deductions[row["village"]] += sign * row["n"]
    return [
        (_as_date(row["month"]), row["domain_name"], row["rule_name"],
         row["awarded"], row["deducted"], row["done"] - row["undone"], row["n"])
        for row in rows
    ]  # fmt: skip


def _next_month(first: date) -> date:
    return (first + timedelta(days=32)).replace(day=1)


def _as_date(value) -> date:
    return value.date() if isinstance(value, datetime) else value
