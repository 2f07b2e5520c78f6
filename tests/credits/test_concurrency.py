"""Concurrent writers lose nothing and do not deadlock, on file SQLite and on PostgreSQL.

Real threads, each with its own database connection, start together at a barrier and call the
same services a clerk's browser would. The tests run outside the test transaction
(`transaction=True`) so each thread sees what the others commit; the catalogue and roles that
the flush between such tests removes are restored from the serialized database.
"""

import random

import pytest
from django.utils import timezone

from credits.errors import AlreadyReversed
from credits.models import Entry
from credits.selectors import ledger_differences
from credits.services import entry_record, entry_record_batch, entry_reverse, household_open
from households.errors import HouseholdNumberTaken
from households.models import Household
from tests.credits.ledger import assert_ledger_agrees, reconcile
from tests.factories import RuleFactory, UserFactory, open_household
from tests.threads import run_together

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def assert_reconcile_clean():
    assert "agree" in reconcile()
    assert ledger_differences() == []


def test_it_loses_no_award_when_20_clerks_record_for_one_household_at_once(a1, alice, award):
    today = timezone.localdate()

    def record():
        return entry_record(household=Household.objects.get(pk=a1.pk), rule=award, occurred_on=today, by=alice)

    results, errors = run_together(*[record] * 20)

    assert errors == [None] * 20
    a1.refresh_from_db()
    assert (a1.score, a1.balance) == (100 + 20 * 2, 100 + 20 * 2)
    assert a1.entries.count() == 21
    assert sorted(entry.score_after for entry in results) == list(range(102, 141, 2))
    assert_ledger_agrees(a1)
    assert_reconcile_clean()


def test_it_holds_a_yearly_cap_against_concurrent_records(a1, alice, capped_award):
    today = timezone.localdate()

    def record():
        return entry_record(household=Household.objects.get(pk=a1.pk), rule=capped_award, occurred_on=today, by=alice)

    results, errors = run_together(*[record] * 6)

    assert sum(result is not None for result in results) == 2
    assert sorted(type(error).__name__ for error in errors if error) == ["RuleCapReached"] * 4
    a1.refresh_from_db()
    assert a1.score == 110
    assert_reconcile_clean()


def test_it_neither_deadlocks_nor_loses_entries_with_overlapping_batches(village_a, alice, award):
    households = [open_household(village_a, by=alice) for _ in range(6)]
    rng = random.Random(20241128)
    today = timezone.localdate()
    batches = []
    for i in range(12):
        # Overlapping sets, each handed over in a different order; half of them reversed.
        chosen = rng.sample(households, k=rng.randint(3, 6))
        batches.append(chosen[::-1] if i % 2 else chosen)

    def batch(chosen):
        return lambda: entry_record_batch(
            households=[Household.objects.get(pk=h.pk) for h in chosen], rule=award, occurred_on=today, by=alice
        )

    _results, errors = run_together(*[batch(chosen) for chosen in batches])

    assert errors == [None] * len(batches)
    for household in households:
        times = sum(household in chosen for chosen in batches)
        household.refresh_from_db()
        assert household.score == 100 + 2 * times
        assert household.entries.count() == 1 + times
        assert_ledger_agrees(household)
    assert_reconcile_clean()


def test_it_reverses_an_entry_once_when_two_clerks_reverse_it_at_once(a1, alice, award):
    entry = entry_record(household=a1, rule=award, occurred_on=timezone.localdate(), by=alice)

    def reverse():
        return entry_reverse(entry=Entry.objects.get(pk=entry.pk), reason="记错了", by=alice)

    results, errors = run_together(reverse, reverse)

    assert sum(result is not None for result in results) == 1
    assert [type(error) for error in errors if error] == [AlreadyReversed]
    assert Entry.objects.filter(reverses=entry).count() == 1
    a1.refresh_from_db()
    assert (a1.score, a1.balance) == (100, 100)
    assert_ledger_agrees(a1)
    assert_reconcile_clean()


def test_it_opens_one_household_when_two_clerks_take_the_same_number_at_once(village_a, alice):
    def open_0101():
        return household_open(village=village_a, number="0101", head_name="王建国", by=alice)

    results, errors = run_together(open_0101, open_0101)

    assert sum(result is not None for result in results) == 1
    assert [type(error) for error in errors if error] == [HouseholdNumberTaken]
    (household,) = Household.objects.filter(village=village_a, number="0101")
    assert household.entries.count() == 1
    assert_reconcile_clean()


def test_it_lets_exactly_one_of_two_clerks_record_the_last_allowed_time_in_a_month(a1, alice, village_a):
    monthly = RuleFactory(village=village_a, name="垃圾分类", points=1, cap_per_month=1)
    second_clerk = UserFactory(username="alice2", role="clerk")
    village_a.clerks.add(second_clerk)
    today = timezone.localdate()

    def record(clerk):
        return lambda: entry_record(
            household=Household.objects.get(pk=a1.pk), rule=monthly, occurred_on=today, by=clerk
        )

    results, errors = run_together(record(alice), record(second_clerk))

    assert sum(result is not None for result in results) == 1
    assert [type(error).__name__ for error in errors if error] == ["RuleMonthCapReached"]
    assert a1.entries.filter(rule=monthly).count() == 1
    assert_reconcile_clean()
