"""Two postings of the same village, rule and month at once both count in the month's totals: real
threads, each on its own connection, on file SQLite and on PostgreSQL (see test_concurrency.py)."""

import pytest
from django.utils import timezone

from credits.models import Entry, MonthTotal
from credits.month_sums import month_total_differences
from credits.services import entry_record, entry_record_batch, entry_reverse
from households.models import Household
from tests.credits.ledger import reconcile
from tests.factories import open_household
from tests.threads import run_together

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

Kind = Entry.Kind


def awarded(village, rule) -> tuple[int, int]:
    today = timezone.localdate()
    row = MonthTotal.objects.filter(
        village=village, year=today.year, month=today.month, kind=Kind.AWARD, rule_name=rule.name
    ).values_list("count", "points")
    return row.get()


def test_two_postings_of_the_same_rule_and_month_at_once_both_count(village_a, a1, a2, alice, award):
    today = timezone.localdate()

    def record(household):
        return lambda: entry_record(
            household=Household.objects.get(pk=household.pk), rule=award, occurred_on=today, by=alice
        )

    _results, errors = run_together(record(a1), record(a2))

    assert errors == [None, None]
    assert awarded(village_a, award) == (2, 4)
    assert month_total_differences() == []


def test_many_writers_of_one_month_lose_nothing(village_a, alice, award):
    households = [open_household(village_a, by=alice) for _ in range(8)]
    today = timezone.localdate()
    first = entry_record(household=households[0], rule=award, occurred_on=today, by=alice)

    def record(household):
        return lambda: entry_record(
            household=Household.objects.get(pk=household.pk), rule=award, occurred_on=today, by=alice
        )

    def batch(chosen):
        return lambda: entry_record_batch(
            households=[Household.objects.get(pk=h.pk) for h in chosen], rule=award, occurred_on=today, by=alice
        )

    def undo():
        return entry_reverse(entry=Entry.objects.get(pk=first.pk), reason="记错了", by=alice)

    calls = [record(h) for h in households] + [batch(households[:4]), batch(households[4:]), undo]
    _results, errors = run_together(*calls)

    assert errors == [None] * len(calls)
    # 1 before, 8 one at a time, 8 in two batches; the reversal in a row of its own.
    assert awarded(village_a, award) == (17, 34)
    assert month_total_differences() == []
    assert "agree" in reconcile()
