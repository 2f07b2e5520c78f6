"""Concurrent counters never spend more than a balance, sell more than the stock, or deadlock.

Real threads, each with its own database connection, start together at a barrier and call the
same services the counter and the admin call. The tests run outside the test transaction
(`transaction=True`) so each thread sees what the others commit, on file SQLite and PostgreSQL;
after each, `reconcile` must find the ledger and the stock agreeing with their rows.
"""

import io
import uuid

import pytest
from django.core.management import call_command

from credits.models import Entry
from credits.services import household_open
from exchange.errors import AlreadyVoided, OutOfStock
from exchange.models import Product, Redemption, RedemptionVoid, StockMovement
from exchange.services import product_restock, redemption_create, redemption_void
from households.models import Household
from tests.exchange.conftest import redeem, restock
from tests.factories import ProductFactory, open_household
from tests.threads import run_together

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def buying(shop, household, *lines, key=None):
    """A call that redeems at `shop` with fresh rows, as a separate request would."""

    def call():
        return redemption_create(
            shop=shop,
            household=Household.objects.get(pk=household.pk),
            quantities=[(product.pk, quantity) for product, quantity in lines],
            by=shop.shopkeepers.get(),
            idempotency_key=key or uuid.uuid4().hex,
        )

    return call


def voiding(sale, *, by):
    return lambda: redemption_void(redemption=Redemption.objects.get(pk=sale.pk), reason="退货", by=by)


def error_names(errors):
    return sorted(type(error).__name__ for error in errors if error)


def assert_reconcile_clean():
    out = io.StringIO()
    call_command("reconcile", stdout=out)
    assert "agree with their books" in out.getvalue()


def assert_stock_chain(product):
    """Every movement's stock_after follows from the one before, and none is below zero."""
    stock = 0
    for movement in product.movements.order_by("id"):
        stock += movement.quantity
        assert movement.stock_after == stock >= 0, f"stock chain broken at {movement}"
    assert Product.objects.get(pk=product.pk).stock == stock


def test_it_spends_no_more_than_the_balance_when_32_counters_redeem_at_once(village_a, alice, shop_a, soap):
    # Two products, so half the threads meet only at the household's row lock.
    towel = ProductFactory(shop=shop_a, name="毛巾", unit="条", price=10)
    restock(towel, 20)
    household = household_open(village=village_a, number="0101", head_name="王建国", by=alice, opening_points=70)

    results, errors = run_together(*[buying(shop_a, household, (soap if i % 2 else towel, 1)) for i in range(32)])

    assert sum(result is not None for result in results) == 7
    assert error_names(errors) == ["InsufficientBalance"] * 25
    household.refresh_from_db()
    assert (household.score, household.balance) == (70, 0)
    assert min(household.entries.values_list("balance_after", flat=True)) == 0
    assert sorted(household.entries.filter(kind=Entry.Kind.REDEMPTION).values_list("balance_after", flat=True)) == [
        0,
        10,
        20,
        30,
        40,
        50,
        60,
    ]
    assert Redemption.objects.count() == 7
    assert Product.objects.get(pk=soap.pk).stock + Product.objects.get(pk=towel.pk).stock == 40 - 7
    assert_stock_chain(soap)
    assert_stock_chain(towel)
    assert_reconcile_clean()


def test_it_sells_the_last_five_items_exactly_once_to_eight_counters(village_a, alice, shop_a, sam):
    umbrella = ProductFactory(shop=shop_a, name="雨伞", unit="把", price=10)
    restock(umbrella, 5)
    households = [open_household(village_a, by=alice) for _ in range(8)]

    results, errors = run_together(*[buying(shop_a, household, (umbrella, 1)) for household in households])

    assert sum(result is not None for result in results) == 5
    assert error_names(errors) == ["OutOfStock"] * 3
    assert all(isinstance(error, OutOfStock) for error in errors if error)
    assert Product.objects.get(pk=umbrella.pk).stock == 0
    sold = umbrella.movements.filter(kind=StockMovement.Kind.REDEMPTION)
    assert sorted(sold.values_list("stock_after", flat=True)) == [0, 1, 2, 3, 4]
    balances = sorted(Household.objects.filter(pk__in=[h.pk for h in households]).values_list("balance", flat=True))
    assert balances == [90] * 5 + [100] * 3
    assert_stock_chain(umbrella)
    assert_reconcile_clean()


def test_it_makes_one_redemption_when_16_retries_carry_the_same_key(shop_a, a1, soap):
    results, errors = run_together(*[buying(shop_a, a1, (soap, 2), key="double-click-0001")] * 16)

    assert errors == [None] * 16
    assert Redemption.objects.count() == 1
    assert {result.pk for result in results} == {Redemption.objects.get().pk}
    a1.refresh_from_db()
    assert (a1.score, a1.balance) == (100, 80)
    assert Product.objects.get(pk=soap.pk).stock == 18
    assert_reconcile_clean()


def test_it_voids_once_when_four_clerks_void_the_same_redemption_at_once(shop_a, alice, a1, soap, oil):
    sale = redeem(shop_a, a1, (soap, 2), (oil, 1))

    results, errors = run_together(*[voiding(sale, by=alice)] * 4)

    assert sum(result is not None for result in results) == 1
    assert all(isinstance(error, AlreadyVoided) for error in errors if error)
    assert error_names(errors) == ["AlreadyVoided"] * 3
    assert RedemptionVoid.objects.count() == 1
    assert Entry.objects.filter(reverses=sale.entry).count() == 1
    a1.refresh_from_db()
    assert (a1.score, a1.balance) == (100, 100)
    assert [Product.objects.get(pk=p.pk).stock for p in (soap, oil)] == [20, 10]
    assert sale.movements.filter(kind=StockMovement.Kind.VOID).count() == 2
    assert_reconcile_clean()


def test_it_neither_deadlocks_nor_loses_stock_with_crossing_orders_voids_and_restocks(
    village_a, alice, shop_a, soap, oil
):
    households = [open_household(village_a, by=alice, opening_points=500) for _ in range(6)]
    earlier = [redeem(shop_a, household, (oil, 1), (soap, 1)) for household in households[:3]]
    restock(oil, 20)
    calls = []
    for i, household in enumerate(households):
        # The same two products, handed over in opposite orders by neighbouring counters.
        lines = [(soap, 1), (oil, 1)] if i % 2 else [(oil, 2), (soap, 1)]
        calls += [buying(shop_a, household, *lines), buying(shop_a, household, *lines[::-1])]
    calls += [voiding(sale, by=alice) for sale in earlier]
    calls.append(lambda: product_restock(product=Product.objects.get(pk=soap.pk), quantity=3, by=alice))

    _results, errors = run_together(*calls)

    assert errors == [None] * len(calls)
    # soap: 20 − 3 earlier + 3 voided − 12 sold + 3 restocked; oil: 10 − 3 + 20 + 3 − 18.
    assert [Product.objects.get(pk=p.pk).stock for p in (soap, oil)] == [11, 12]
    # Each household bought its lines twice: 2 × 70 points (oil ×2, soap) or 2 × 40 (soap, oil).
    standings = [Household.objects.values_list("score", "balance").get(pk=h.pk) for h in households]
    assert standings == [(500, 360), (500, 420)] * 3
    assert_stock_chain(soap)
    assert_stock_chain(oil)
    assert_reconcile_clean()
