"""Readings of the books shared by the tests: dates, cached figures, the chain, the reconcile."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from households.models import Household


def today():
    return timezone.localdate()


def last_year():
    return today().replace(year=today().year - 1, month=6, day=15)


def scores(*households):
    """(score, balance) of each household, fresh from the database."""
    rows = Household.objects.filter(pk__in=[h.pk for h in households]).values_list("pk", "score", "balance")
    cached = {pk: (score, balance) for pk, score, balance in rows}
    return [cached[h.pk] for h in households]


def assert_ledger_agrees(household):
    """The chain of *_after values holds, and the cache equals the sums of the entries."""
    score = balance = 0
    for entry in household.entries.order_by("id"):
        score += entry.points if entry.in_score else 0
        balance += entry.points
        assert (entry.score_after, entry.balance_after) == (score, balance), f"chain broken at {entry}"
    household.refresh_from_db()
    assert (household.score, household.balance) == (score, balance)


def reconcile() -> str:
    """What a clean `manage.py reconcile` prints."""
    out = io.StringIO()
    call_command("reconcile", stdout=out)
    return out.getvalue()


def refused_reconcile() -> tuple[CommandError, str]:
    """The error a failing reconcile exits with, and what it printed before."""
    out = io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("reconcile", stdout=out)
    return failed.value, out.getvalue()
