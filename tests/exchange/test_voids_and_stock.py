"""The shop's services that put back: voiding a redemption, restocking and counting stock, and
writing down a shop's past at the time it happened.

A void returns points and goods through new rows, once, and only a clerk of the village does it;
stock moves only with a movement that says who and why.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from credits.errors import ReasonRequired
from credits.models import Entry
from exchange.errors import AlreadyVoided, BadQuantity
from exchange.models import Redemption, RedemptionVoid, StockMovement
from exchange.services import product_restock, product_stocktake, redemption_void
from households.errors import NotYours
from tests.credits.ledger import reconcile
from tests.exchange.conftest import books, redeem, refused, standing, stock_of

pytestmark = pytest.mark.django_db

Kind = StockMovement.Kind


# --- Voids -------------------------------------------------------------------------------------


@pytest.fixture
def sale(shop_a, a1, soap, oil):
    return redeem(shop_a, a1, (soap, 2), (oil, 1))


def test_it_returns_points_and_goods_when_a_clerk_voids(sale, alice, a1, soap, oil):
    void = redemption_void(redemption=sale, reason=" 商品有破损 ", by=alice)

    assert standing(a1) == (100, 100)
    assert stock_of(soap, oil) == [20, 10]
    assert (void.reason, void.voided_by) == ("商品有破损", alice)
    reversal = void.entry
    assert (reversal.kind, reversal.points, reversal.in_score, reversal.reverses) == (
        Entry.Kind.REVERSAL,
        50,
        False,
        sale.entry,
    )
    assert (reversal.score_after, reversal.balance_after) == (100, 100)
    voids = sale.movements.filter(kind=Kind.VOID).order_by("product_id")
    assert [(m.product_id, m.quantity, m.stock_after, m.note) for m in voids] == [
        (soap.pk, 2, 20, "商品有破损"),
        (oil.pk, 1, 10, "商品有破损"),
    ]
    # Nothing of the sale was edited: its entry, lines and movements are all still there.
    assert Entry.objects.get(pk=sale.entry_id).points == -50
    assert sale.movements.filter(kind=Kind.REDEMPTION).count() == 2


def test_it_voids_only_once(sale, alice):
    redemption_void(redemption=sale, reason="退货", by=alice)

    with refused(AlreadyVoided, match="already been voided"):
        redemption_void(redemption=Redemption.objects.get(pk=sale.pk), reason="再退一次", by=alice)
    assert RedemptionVoid.objects.count() == 1


@pytest.mark.parametrize("who", ["sam", "bob", "olivia", "mallory"])
def test_it_lets_no_one_but_a_clerk_of_the_village_void(request, sale, who):
    with refused(NotYours):
        redemption_void(redemption=sale, reason="退货", by=request.getfixturevalue(who))


@pytest.mark.parametrize("reason", ["", "   "])
def test_it_wants_a_reason_to_void(sale, alice, reason):
    with refused(ReasonRequired):
        redemption_void(redemption=sale, reason=reason, by=alice)


# --- Restocks and stocktakes -------------------------------------------------------------------


def test_it_restocks_with_a_movement_saying_who_and_why(soap, alice):
    movement = product_restock(product=soap, quantity=12, by=alice, note=" 镇里调拨 ")

    assert stock_of(soap) == [32]
    assert (movement.kind, movement.quantity, movement.stock_after) == (Kind.RESTOCK, 12, 32)
    assert (movement.recorded_by, movement.note) == (alice, "镇里调拨")


@pytest.mark.parametrize("quantity", [0, -3, 100_001])
def test_it_refuses_a_bad_restock_quantity(soap, alice, quantity):
    with refused(BadQuantity):
        product_restock(product=soap, quantity=quantity, by=alice)


@pytest.mark.parametrize("who", ["sam", "bob", "olivia"])
def test_it_lets_only_a_clerk_of_the_village_restock(request, soap, who):
    with refused(NotYours):
        product_restock(product=soap, quantity=5, by=request.getfixturevalue(who))


def test_it_records_a_stocktake_difference_with_its_reason(soap, alice):
    movement = product_stocktake(product=soap, counted=17, by=alice, note="受潮损坏3块")

    assert stock_of(soap) == [17]
    assert (movement.kind, movement.quantity, movement.stock_after, movement.note) == (
        Kind.STOCKTAKE,
        -3,
        17,
        "受潮损坏3块",
    )


def test_it_records_nothing_when_the_count_matches(soap, alice):
    before = books()

    assert product_stocktake(product=soap, counted=20, by=alice, note="月底盘点") is None
    assert books() == before


def test_it_refuses_a_stocktake_without_a_reason_or_below_zero(soap, alice):
    with refused(ReasonRequired):
        product_stocktake(product=soap, counted=17, by=alice, note=" ")
    with refused(BadQuantity):
        product_stocktake(product=soap, counted=-1, by=alice, note="盘点")


@pytest.mark.parametrize("who", ["sam", "bob"])
@pytest.mark.parametrize("counted", [3, 20])
def test_it_lets_only_a_clerk_of_the_village_take_stock(request, soap, who, counted):
    with refused(NotYours):
        product_stocktake(product=soap, counted=counted, by=request.getfixturevalue(who), note="盘点")


def test_it_writes_down_a_past_sale_void_and_delivery_at_the_time_they_happened(shop_a, alice, a1, soap):
    # Writing down a shop's past (the demo's year): every row carries that moment, the ledger's
    # entries the day of it too, and the books still reconcile.
    sold_at = timezone.now() - timedelta(days=40)
    voided_at, delivered_at = sold_at + timedelta(days=1), sold_at + timedelta(days=2)

    sale = redeem(shop_a, a1, (soap, 2), at=sold_at)
    void = redemption_void(redemption=sale, reason="退货", by=alice, at=voided_at)
    delivery = product_restock(product=soap, quantity=5, by=alice, at=delivered_at)

    assert (sale.created_at, sale.entry.created_at) == (sold_at, sold_at)
    assert sale.entry.occurred_on == timezone.localdate(sold_at)
    assert set(sale.movements.filter(kind=Kind.REDEMPTION).values_list("created_at", flat=True)) == {sold_at}
    assert (void.voided_at, void.entry.created_at) == (voided_at, voided_at)
    assert set(sale.movements.filter(kind=Kind.VOID).values_list("created_at", flat=True)) == {voided_at}
    assert delivery.created_at == delivered_at
    assert standing(a1) == (100, 100)
    reconcile()
