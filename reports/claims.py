"""The report page's claims (申报): sent, approved and rejected, by month sent and by group, in two queries."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from claims.models import Claim
from households.selectors import group_order


@dataclass
class Counts:
    sent: int = 0
    approved: int = 0
    rejected: int = 0

    @property
    def pending(self) -> int:
        return self.sent - self.approved - self.rejected


@dataclass
class ClaimFigures:
    months: list[tuple[date, Counts]] = field(default_factory=list)
    groups: list[tuple[str, Counts]] = field(default_factory=list)

    @property
    def total(self) -> Counts:
        return Counts(*(sum(getattr(c, name) for _m, c in self.months) for name in ("sent", "approved", "rejected")))


COUNTS = {
    "sent": Count("id"),
    "approved": Count("id", filter=Q(state=Claim.State.APPROVED)),
    "rejected": Count("id", filter=Q(state=Claim.State.REJECTED)),
}


def claim_figures(villages, period) -> ClaimFigures:
    """Claims sent in the period by the villages' households, as they stand now."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(period.start, time.min, tzinfo=zone)
    end = datetime.combine(period.end + timedelta(days=1), time.min, tzinfo=zone)
    claims = Claim.objects.filter(village__in=villages, created_at__gte=start, created_at__lt=end)
    by_month = {month: Counts() for month in period.months()}
    for row in claims.values(month=TruncMonth("created_at", tzinfo=zone)).annotate(**COUNTS).order_by():
        month = row["month"].date() if isinstance(row["month"], datetime) else row["month"]
        by_month[month] = Counts(row["sent"], row["approved"], row["rejected"])
    groups = {
        row["household__group"]: Counts(row["sent"], row["approved"], row["rejected"])
        for row in claims.values("household__group").annotate(**COUNTS).order_by()
    }
    return ClaimFigures(
        months=sorted(by_month.items()),
        groups=[(name, groups[name]) for name in sorted(groups, key=group_order)],
    )
