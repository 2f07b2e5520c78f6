"""`manage.py reconcile` proves the cached scores and balances against the ledger.

Corruption is made the only ways the database still allows: the household cache can be written
behind the services' back, and a stray entry can be inserted (INSERT is allowed; edits are not).
"""

import datetime

import pytest
from django.db.models import F
from django.utils import timezone

from credits import chain
from credits.models import Entry, YearScore
from credits.selectors import ledger_differences, year_score_differences
from credits.services import entry_adjust, entry_record, entry_reverse
from households.models import Household
from tests.credits.ledger import reconcile, refused_reconcile
from tests.processes import database_url_of_this_test, django_env, manage

pytestmark = pytest.mark.django_db


def stray_entry(household, user, *, points, score_after, balance_after):
    return Entry.objects.create(
        household=household,
        kind=Entry.Kind.ADJUSTMENT,
        points=points,
        in_score=True,
        occurred_on=timezone.localdate(),
        recorded_by=user,
        score_after=score_after,
        balance_after=balance_after,
        hash_version=chain.VERSION,
    )


def test_it_says_every_household_agrees_when_the_ledger_is_clean(a1, a2, b1, alice, award, deduction):
    entry_record(household=a1, rule=award, occurred_on=timezone.localdate(), by=alice)
    entry_record(household=a2, rule=deduction, occurred_on=timezone.localdate(), by=alice)
    entry_adjust(household=a2, points=-200, reason="x", by=alice)

    output = reconcile()

    assert "All 3 households and 0 products agree" in output
    assert ledger_differences() == []


def test_it_agrees_with_an_empty_database():
    assert "All 0 households and 0 products agree" in reconcile()


def test_it_catches_a_corrupted_cached_balance_and_names_the_household(a1, a2):
    Household.objects.filter(pk=a1.pk).update(balance=F("balance") + 50)

    error, output = refused_reconcile()

    assert error.returncode != 0
    assert "1 difference between" in str(error)
    assert f"nongfeng/0001 (id {a1.pk})" in output
    assert "balance 150 but entries sum to 100" in output
    assert "0002" not in output


def test_it_catches_a_corrupted_cached_score(a1):
    Household.objects.filter(pk=a1.pk).update(score=99)

    _error, output = refused_reconcile()

    assert "score 99 but entries sum to 100" in output


def test_it_catches_a_stray_entry_that_the_cache_does_not_know(a1, alice):
    stray_entry(a1, alice, points=7, score_after=107, balance_after=107)

    _error, output = refused_reconcile()

    assert "nongfeng/0001" in output
    assert "score 100 but entries sum to 107" in output


def test_it_catches_a_broken_chain_even_when_the_sums_agree(a1, a2, alice):
    # A forged entry whose points match the cache but whose *_after values do not follow.
    stray_entry(a1, alice, points=7, score_after=500, balance_after=107)
    Household.objects.filter(pk=a1.pk).update(score=F("score") + 7, balance=F("balance") + 7)

    (difference,) = ledger_differences()
    _error, output = refused_reconcile()

    assert (difference.household_id, difference.chain_breaks) == (a1.pk, 1)
    assert (difference.score, difference.score_sum) == (107, 107)
    assert "nongfeng/0001" in output
    assert "1 broken links" in output


def test_it_catches_a_broken_balance_chain(a1, alice):
    stray_entry(a1, alice, points=7, score_after=107, balance_after=100)
    Household.objects.filter(pk=a1.pk).update(score=F("score") + 7, balance=F("balance") + 7)

    (difference,) = ledger_differences()

    assert difference.chain_breaks == 1


def test_it_catches_a_household_without_an_opening_entry(a1, village_a):
    Household.objects.create(village=village_a, number="9999", head_name="无开户", score=100, balance=100)

    _error, output = refused_reconcile()

    assert "nongfeng/9999" in output
    assert "nongfeng/0001" not in output


def test_it_lists_every_household_that_differs(a1, a2, b1):
    Household.objects.filter(pk__in=[a1.pk, b1.pk]).update(score=F("score") - 1)

    error, output = refused_reconcile()

    assert "2 differences between" in str(error)
    assert "nongfeng/0001" in output and "yongfeng/0001" in output
    assert "nongfeng/0002" not in output


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_exits_non_zero_from_the_command_line(a1):
    Household.objects.filter(pk=a1.pk).update(balance=0)
    env = django_env(database_url_of_this_test())

    failed = manage("reconcile", env=env)
    Household.objects.filter(pk=a1.pk).update(balance=100)
    clean = manage("reconcile", env=env)

    assert failed.returncode == 1, failed.stderr
    assert "nongfeng/0001" in failed.stdout
    assert clean.returncode == 0, clean.stderr
    assert "agree" in clean.stdout


def test_it_keeps_each_years_points_apart_from_the_opening_and_shop_spending(a1, alice, award, deduction):
    last_year = timezone.localdate().replace(month=1, day=1) - datetime.timedelta(days=1)
    entry_record(household=a1, rule=award, occurred_on=last_year, by=alice)
    wrong = entry_record(household=a1, rule=award, occurred_on=timezone.localdate(), by=alice)
    entry_record(household=a1, rule=deduction, occurred_on=timezone.localdate(), by=alice)
    entry_reverse(entry=wrong, reason="记错了", by=alice)

    years = dict(YearScore.objects.filter(household=a1).values_list("year", "points"))

    assert years == {last_year.year: 2, timezone.localdate().year: -5}
    assert year_score_differences() == []


def test_it_catches_a_corrupted_years_points(a1, alice, award):
    entry_record(household=a1, rule=award, occurred_on=timezone.localdate(), by=alice)
    YearScore.objects.filter(household=a1).update(points=F("points") + 7)

    _error, output = refused_reconcile()

    assert f"Household id {a1.pk}: {timezone.localdate().year} points cached as 9 but its entries sum to 2" in output


def test_it_reports_a_clean_ledger_in_one_line_for_cron_mail(a1, b1):
    assert reconcile().splitlines() == ["All 2 households and 0 products agree with their books."]
