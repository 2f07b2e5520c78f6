"""Reads of evidence, for the pages and the API: a household's files, grouped by what they document."""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import QuerySet

from evidence.models import Evidence
from households.selectors import villages_for


def evidence_for(user) -> QuerySet[Evidence]:
    """The evidence of the villages `user` reads (nothing without `evidence.view_evidence`)."""
    if not user.has_perm("evidence.view_evidence"):
        return Evidence.objects.none()
    return Evidence.objects.filter(household__village__in=villages_for(user))


def evidence_by_entry(entry_ids: Iterable[int]) -> dict[int, list[Evidence]]:
    """Each entry's evidence, oldest first, in one query for a page of entries."""
    grouped: dict[int, list[Evidence]] = defaultdict(list)
    ids = [entry_id for entry_id in entry_ids if entry_id is not None]
    if ids:
        for evidence in Evidence.objects.filter(entry_id__in=ids).order_by("id"):
            grouped[evidence.entry_id].append(evidence)
    return dict(grouped)


def evidence_list(queryset: QuerySet[Evidence]) -> list[Evidence]:
    """A set of evidence (say, a case's) as the thumbnails template takes it, oldest first."""
    return list(queryset.order_by("id"))
