"""Each household's latest award not undone (`Household.last_award_on`), kept by the ledger's services.

The same on PostgreSQL's posting statement and the plain paths; `reconcile` proves it.
"""

from datetime import timedelta

import pytest

from credits.selectors import last_award_differences
from credits.services import entry_adjust, entry_record, entry_record_batch, entry_reverse
from households.models import Household
from tests.credits.ledger import reconcile, refused_reconcile, today
from tests.exchange.conftest import redeem, restock
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def latest(*households):
    rows = dict(Household.objects.filter(pk__in=[h.pk for h in households]).values_list("pk", "last_award_on"))
    return [rows[h.pk] for h in households]


def test_an_award_moves_it_forward_only(a1, alice, award, deduction):
    week_ago = today() - timedelta(days=7)
    assert latest(a1) == [None]

    entry_record(household=a1, rule=award, occurred_on=week_ago, by=alice)
    assert latest(a1) == [week_ago]
    entry_record(household=a1, rule=award, occurred_on=today(), by=alice)
    entry_record(household=a1, rule=award, occurred_on=week_ago - timedelta(days=7), by=alice)
    entry_record(household=a1, rule=deduction, occurred_on=today(), by=alice)
    entry_adjust(household=a1, points=5, reason="补记", by=alice)

    assert latest(a1) == [today()]
    assert last_award_differences() == []


def test_a_batch_moves_each_household(a1, a2, alice, award):
    entry_record(household=a1, rule=award, occurred_on=today(), by=alice)

    entry_record_batch(households=[a1, a2], rule=award, occurred_on=today() - timedelta(days=3), by=alice)

    assert latest(a1, a2) == [today(), today() - timedelta(days=3)]
    assert last_award_differences() == []


def test_undoing_the_latest_award_finds_the_one_before_and_undoing_another_changes_nothing(a1, alice, award):
    days = [today() - timedelta(days=n) for n in (20, 10, 0)]
    first, second, third = (entry_record(household=a1, rule=award, occurred_on=day, by=alice) for day in days)

    entry_reverse(entry=first, reason="录错了", by=alice)
    assert latest(a1) == [days[2]]
    entry_reverse(entry=third, reason="录错了", by=alice)
    assert latest(a1) == [days[1]]
    entry_reverse(entry=second, reason="录错了", by=alice)
    assert latest(a1) == [None]
    assert last_award_differences() == []


def test_undoing_one_of_two_awards_of_a_day_keeps_the_day(a1, alice, award, deduction):
    entry_record(household=a1, rule=award, occurred_on=today(), by=alice)
    mistake = entry_record(household=a1, rule=award, occurred_on=today(), by=alice)
    slip = entry_record(household=a1, rule=deduction, occurred_on=today(), by=alice)
    entry_reverse(entry=slip, reason="录错了", by=alice)

    entry_reverse(entry=mistake, reason="录错了", by=alice)

    assert latest(a1) == [today()]
    assert last_award_differences() == []


def test_spending_and_its_refund_leave_it_alone(a1, alice, award, shop_a):
    from exchange.models import Redemption
    from exchange.services import redemption_void

    soap = ProductFactory(shop=shop_a, name="洗衣皂", unit="块", price=10)
    restock(soap, 5)
    entry_record(household=a1, rule=award, occurred_on=today() - timedelta(days=2), by=alice)
    redeem(shop_a, a1, (soap, 1))
    redemption_void(redemption=Redemption.objects.get(), reason="退货", by=alice)

    assert latest(a1) == [today() - timedelta(days=2)]
    assert last_award_differences() == []


def test_reconcile_names_a_household_whose_latest_award_is_wrong(a1, a2, alice, award):
    entry_record(household=a1, rule=award, occurred_on=today(), by=alice)
    assert "agree with their books" in reconcile()
    Household.objects.filter(pk=a1.pk).update(last_award_on=today() - timedelta(days=1))
    Household.objects.filter(pk=a2.pk).update(last_award_on=today())

    error, output = refused_reconcile()

    yesterday = today() - timedelta(days=1)
    assert f"Household id {a1.pk}: latest award cached as {yesterday} but its entries say {today()}" in output
    assert f"Household id {a2.pk}: latest award cached as {today()} but its entries say -" in output
    assert "2 differences" in str(error)
