"""The report page's activities (活动): households signed up and checked in, and the points their
closing awarded, by the month the activity was held and by the household's group, in three queries.

Cancelled activities are left out: nobody attended them and they awarded nothing. Points are
those of the entries the closing recorded, as recorded (a later reversal of one is the ledger's
business and shows in its figures).
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, TruncMonth

from activities.models import Activity, Signup
from households.selectors import group_order


@dataclass
class Attendance:
    signed_up: int = 0
    checked_in: int = 0
    points: int = 0

    @property
    def rate(self) -> int:
        """Of the households signed up, the share checked in, in whole percent."""
        return round(100 * self.checked_in / self.signed_up) if self.signed_up else 0


@dataclass
class ActivityFigures:
    # Each month: how many activities were held, and their attendance.
    months: list[tuple[date, int, Attendance]] = field(default_factory=list)
    groups: list[tuple[str, Attendance]] = field(default_factory=list)

    @property
    def held(self) -> int:
        return sum(held for _month, held, _a in self.months)

    @property
    def total(self) -> Attendance:
        rows = [attendance for _month, _held, attendance in self.months]
        return Attendance(*(sum(getattr(a, name) for a in rows) for name in ("signed_up", "checked_in", "points")))


ATTENDANCE = {
    "signed_up": Count("id"),
    "checked_in": Count("id", filter=Q(checked_in_at__isnull=False)),
    "points": Coalesce(Sum("entry__points"), 0),
}


def _month(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def activity_figures(villages, period) -> ActivityFigures:
    """The villages' activities held in the period (not cancelled), as they stand now."""
    activities = Activity.objects.filter(
        village__in=villages, held_on__gte=period.start, held_on__lte=period.end, cancelled_at__isnull=True
    )
    signups = Signup.objects.filter(activity__in=activities)
    held = {month: 0 for month in period.months()}
    for row in activities.values(month=TruncMonth("held_on")).annotate(n=Count("id")).order_by():
        held[_month(row["month"])] = row["n"]
    by_month = {month: Attendance() for month in period.months()}
    for row in signups.values(month=TruncMonth("activity__held_on")).annotate(**ATTENDANCE).order_by():
        by_month[_month(row["month"])] = Attendance(row["signed_up"], row["checked_in"], row["points"])
    groups = {
        row["household__group"]: Attendance(row["signed_up"], row["checked_in"], row["points"])
        for row in signups.values("household__group").annotate(**ATTENDANCE).order_by()
    }
    return ActivityFigures(
        months=[(month, held[month], by_month[month]) for month in sorted(by_month)],
        groups=[(name, groups[name]) for name in sorted(groups, key=group_order)],
    )
