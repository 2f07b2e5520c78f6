"""Reads of claims and reports: what a village offers to claim, what a household sees, what a clerk reads."""

from datetime import date

from django.db.models import Case, F, OrderBy, Prefetch, QuerySet, Value, When
from django.utils import timezone

from claims.models import Claim, ClaimableRule, ClaimSettings, Report
from credits.models import Rule
from credits.selectors import version_in_force
from evidence.models import Evidence
from households.models import Household, Village
from households.selectors import villages_for

HOUSEHOLD_CLAIMS = 20
HOUSEHOLD_REPORTS = 10
PHOTOS = Prefetch("evidence", queryset=Evidence.objects.order_by("id"))


def claim_settings(village: Village | int) -> ClaimSettings:
    """The village's limits, or the defaults (unsaved) until its clerk saves some."""
    village_id = village.pk if isinstance(village, Village) else village
    return ClaimSettings.objects.filter(village_id=village_id).first() or ClaimSettings(village_id=village_id)


def claimable_keys(village_id: int) -> set[str]:
    return set(ClaimableRule.objects.filter(village_id=village_id).values_list("key", flat=True))


def claimable_rules(village_id: int, *, on: date | None = None) -> list[Rule]:
    """The awards of the version in force (today) whose keys the village opened to claims."""
    version = version_in_force(village_id, on=on or timezone.localdate())
    if version is None:
        return []
    return list(
        version.rules.filter(key__in=claimable_keys(village_id), active=True, points__gt=0)
        .select_related("domain")
        .order_by("domain__position", "position", "id")
    )


def household_claims(household: Household) -> list[Claim]:
    """The household's latest claims, newest first, with their photos and what they became."""
    claims = household.claims.select_related("entry", "case").prefetch_related(PHOTOS).order_by("-id")
    return list(claims[:HOUSEHOLD_CLAIMS])


def household_reports(household: Household) -> list[Report]:
    return list(household.reports.prefetch_related(PHOTOS).order_by("-id")[:HOUSEHOLD_REPORTS])


def queue_order(waiting: str, decided_at: str) -> list[OrderBy]:
    """The order of a clerk's queue, in the admin and the API alike.

    The ones waiting (`state == waiting`) come first, the one waiting longest on top, as a queue is
    worked; the decided ones follow, the latest decision first, so the clerk's last decisions are on
    the first page however long the village's history grows. Ties fall to the id, the same way.
    """
    waits = When(state=waiting, then=Value(0))
    return [
        Case(waits, default=Value(1)).asc(),
        Case(When(state=waiting, then=F("created_at"))).asc(),
        F(decided_at).desc(nulls_last=True),
        Case(When(state=waiting, then=F("id")), default=-F("id")).asc(),
    ]


CLAIM_QUEUE = queue_order(Claim.State.PENDING, "decided_at")
REPORT_QUEUE = queue_order(Report.State.OPEN, "handled_at")


def claims_for(user) -> QuerySet[Claim]:
    """The claims `user` may read: of the villages they keep or read, with `claims.view_claim`."""
    if not user.is_authenticated or not user.has_perm("claims.view_claim"):
        return Claim.objects.none()
    return Claim.objects.filter(village__in=villages_for(user))


def reports_for(user) -> QuerySet[Report]:
    if not user.is_authenticated or not user.has_perm("claims.view_report"):
        return Report.objects.none()
    return Report.objects.filter(village__in=villages_for(user))
