"""Reads of cases: what a household sees of its own, and what waits for whom in the admin."""

from datetime import timedelta

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from cases.models import Case, ProcessSettings
from evidence.models import Evidence
from households.models import Household
from households.selectors import villages_for

State = Case.State
# A decided case stays on the household's page this long after it was closed.
SHOWN_AFTER_CLOSING = timedelta(days=90)
HOUSEHOLD_CASES = 20
# Each case's photos, oldest first: two queries for a whole page of cases.
EVIDENCE = (
    Prefetch("evidence", queryset=Evidence.objects.order_by("id")),
    Prefetch("objection_evidence", queryset=Evidence.objects.order_by("id")),
)


def household_cases(household: Household, *, now=None) -> list[Case]:
    """The household's published cases: in notice, objected, and those closed in the last 90 days.

    A case waiting for approval is not yet published, and one not approved never was: neither is
    shown. One query, at most `HOUSEHOLD_CASES` rows, newest first.
    """
    now = now or timezone.now()
    published = Q(state__in=[State.NOTICE, State.OBJECTED]) | Q(
        notice_ends_at__isnull=False, closed_at__gte=now - SHOWN_AFTER_CLOSING
    )
    cases = household.cases.filter(published).select_related("entry").order_by("-id")
    return list(cases.prefetch_related(*EVIDENCE)[:HOUSEHOLD_CASES])


def reviewer_village_ids(user) -> set[int]:
    if not user.is_authenticated or not user.is_active:
        return set()
    return set(ProcessSettings.objects.filter(reviewers=user).values_list("village_id", flat=True))


def cases_for(user) -> QuerySet[Case]:
    """The cases `user` may read: of the villages they keep or read, or review."""
    if not user.is_authenticated or not user.is_active:
        return Case.objects.none()
    if user.is_superuser:
        return Case.objects.all()
    return Case.objects.filter(Q(village__in=villages_for(user)) | Q(village_id__in=reviewer_village_ids(user)))
