"""The shop's services: redeeming goods for points, voiding, restocking and counting stock.

Each test states one rule of the design: spending lowers the balance and never the score, a
receipt is a snapshot, a refusal changes nothing, a void returns points and goods through new
rows (once), and a retried submission makes one redemption.
"""

from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.utils import timezone

from credits.errors import InsufficientBalance, ReasonRequired
from credits.models import Entry
from credits.services import entry_record, household_open
from exchange.errors import (
    AlreadyVoided,
    BadQuantity,
    EmptyRedemption,
    IdempotencyKeyReused,
    NotYourShop,
    OutOfStock,
    PriceChanged,
    ProductRetired,
    UnknownProduct,
)
from exchange.models import Product, Redemption, RedemptionVoid, StockMovement
from exchange.services import product_restock, product_stocktake, redemption_create, redemption_void
from households.errors import HouseholdClosed, NotYours
from households.services import household_close
from tests.credits.ledger import reconcile
from tests.exchange.conftest import books, redeem, restock
from tests.factories import ProductFactory, RuleFactory, ShopFactory

pytestmark = pytest.mark.django_db

Kind = StockMovement.Kind


@contextmanager
def refused(error_class, match=None):
    """The call inside must raise `error_class` and leave the books exactly as they were."""
    before = books()
    with pytest.raises(error_class, match=match) as raised:
        yield raised
    assert books() == before


def stock_of(*products):
    return [Product.objects.get(pk=product.pk).stock for product in products]


def standing(household):
    household.refresh_from_db()
    return household.score, household.balance


# --- Redeeming ---------------------------------------------------------------------------------


def test_it_lowers_the_balance_and_never_the_score(shop_a, sam, a1, soap, oil):
    redemption = redeem(shop_a, a1, (soap, 2), (oil, 1))

    assert standing(a1) == (100, 50)
    assert redemption.total == 50
    assert (redemption.shop, redemption.household, redemption.shopkeeper) == (shop_a, a1, sam)
    entry = redemption.entry
    assert (entry.kind, entry.points, entry.in_score) == (Entry.Kind.REDEMPTION, -50, False)
    assert (entry.score_after, entry.balance_after) == (100, 50)
    assert stock_of(soap, oil) == [18, 9]


def test_it_records_a_line_and_a_stock_movement_for_each_product(shop_a, sam, a1, soap, oil):
    redemption = redeem(shop_a, a1, (oil, 1), (soap, 2))

    lines = redemption.lines.values_list("product_id", "name", "unit", "unit_price", "quantity")
    assert list(lines) == [(soap.pk, "洗衣皂", "块", 10, 2), (oil.pk, "食用油", "瓶", 30, 1)]
    movements = redemption.movements.order_by("product_id")
    assert [(m.product_id, m.kind, m.quantity, m.stock_after, m.recorded_by) for m in movements] == [
        (soap.pk, Kind.REDEMPTION, -2, 18, sam),
        (oil.pk, Kind.REDEMPTION, -1, 9, sam),
    ]


def test_it_adds_up_the_same_product_chosen_twice(shop_a, a1, soap):
    redemption = redeem(shop_a, a1, (soap, 1), (soap, 2))

    assert [(line.name, line.quantity) for line in redemption.lines.all()] == [("洗衣皂", 3)]
    assert redemption.total == 30
    assert stock_of(soap) == [17]


def test_it_keeps_the_receipt_unchanged_when_the_product_is_edited_later(shop_a, a1, soap):
    redemption = redeem(shop_a, a1, (soap, 2))

    soap.name, soap.unit, soap.price = "香皂", "盒", 25
    soap.save()

    (line,) = Redemption.objects.get(pk=redemption.pk).lines.all()
    assert (line.name, line.unit, line.unit_price, line.amount) == ("洗衣皂", "块", 10, 20)
    assert Redemption.objects.get(pk=redemption.pk).total == 20
    assert standing(a1) == (100, 80)


def test_it_refuses_a_price_changed_since_the_villager_was_shown_it(shop_a, sam, a1, soap, oil):
    soap.price = 12
    soap.save()
    before = books()

    with pytest.raises(PriceChanged) as refused:
        redemption_create(
            shop=shop_a,
            household=a1,
            quantities=[(soap.pk, 2), (oil.pk, 1)],
            by=sam,
            idempotency_key="seen-old-price",
            prices_seen={soap.pk: 10, oil.pk: 30},
        )

    assert refused.value.message == (
        "The price of “洗衣皂” has changed from 10 to 12 points since the page was opened. "
        "Check the total with the villager and confirm again."
    )
    assert books() == before


def test_it_charges_the_prices_seen_when_they_still_hold(shop_a, sam, a1, soap, oil):
    redemption = redemption_create(
        shop=shop_a,
        household=a1,
        quantities=[(soap.pk, 2), (oil.pk, 1)],
        by=sam,
        idempotency_key="seen-right-price",
        prices_seen={soap.pk: 10, oil.pk: 30},
    )

    assert redemption.total == 50


def test_it_lets_a_household_spend_exactly_its_balance(village_a, alice, shop_a, oil):
    household = household_open(village=village_a, number="0101", head_name="王建国", by=alice, opening_points=30)

    redeem(shop_a, household, (oil, 1))

    assert standing(household) == (30, 0)


# --- Refusals change nothing -------------------------------------------------------------------


def test_it_refuses_a_redemption_above_the_balance(village_a, alice, shop_a, soap, oil):
    household = household_open(village=village_a, number="0101", head_name="王建国", by=alice, opening_points=35)

    with refused(InsufficientBalance, match="has 35 points to spend; 40 are needed"):
        redeem(shop_a, household, (soap, 1), (oil, 1))


def test_it_refuses_any_redemption_when_a_deduction_left_the_balance_below_zero(village_a, alice, shop_a, soap):
    household = household_open(village=village_a, number="0101", head_name="王建国", by=alice, opening_points=10)
    entry_record(household=household, rule=RuleFactory(points=-20), occurred_on=timezone.localdate(), by=alice)

    with refused(InsufficientBalance):
        redeem(shop_a, household, (soap, 1))


def test_it_refuses_more_than_the_stock(shop_a, a1, soap):
    with refused(OutOfStock, match="Not enough “洗衣皂” in stock: 20 left, 21 wanted"):
        redeem(shop_a, a1, (soap, 21))


def test_it_puts_back_the_stock_of_other_lines_when_one_is_out_of_stock(shop_a, a1, soap, oil):
    # Soap's stock is taken first (lower id); oil then fails, and soap must come back.
    with refused(OutOfStock, match="食用油"):
        redeem(shop_a, a1, (soap, 1), (oil, 11))

    assert stock_of(soap, oil) == [20, 10]


def test_it_refuses_a_retired_product(shop_a, a1, soap):
    Product.objects.filter(pk=soap.pk).update(active=False)

    with refused(ProductRetired, match="“洗衣皂” is no longer on sale"):
        redeem(shop_a, a1, (soap, 1))


def test_it_refuses_a_closed_household(shop_a, alice, a1, soap):
    household_close(household=a1, by=alice)

    with refused(HouseholdClosed, match="0001 is closed"):
        redeem(shop_a, a1, (soap, 1))


@pytest.mark.parametrize("quantities", [[], [0], [0, 0]])
def test_it_refuses_an_empty_redemption(shop_a, a1, soap, quantities):
    with refused(EmptyRedemption, match="Choose at least one item"):
        redeem(shop_a, a1, *[(soap, quantity) for quantity in quantities])


@pytest.mark.parametrize("quantities", [[-1], [1000], [600, 600], ["2"], [1.5]])
def test_it_refuses_a_bad_quantity(shop_a, a1, soap, quantities):
    with refused(BadQuantity, match="whole numbers from 1 to 999"):
        redeem(shop_a, a1, *[(soap, quantity) for quantity in quantities])


def test_it_refuses_a_product_of_another_shop(shop_a, a1, soap, rice):
    with refused(UnknownProduct, match="not sold in this shop"):
        redeem(shop_a, a1, (soap, 1), (rice, 1))


def test_it_refuses_a_product_that_does_not_exist(shop_a, sam, a1, soap):
    with refused(UnknownProduct):
        redemption_create(shop=shop_a, household=a1, quantities=[(10**9, 1)], by=sam, idempotency_key="k" * 32)


def test_it_refuses_a_household_of_another_village(shop_a, b1, soap):
    with refused(NotYourShop, match="not yours to serve"):
        redeem(shop_a, b1, (soap, 1))


@pytest.mark.parametrize("who", ["tess", "alice", "olivia", "mallory"])
def test_it_refuses_anyone_who_does_not_keep_the_shop(request, shop_a, shop_b, a1, soap, who):
    with refused(NotYourShop):
        redeem(shop_a, a1, (soap, 1), by=request.getfixturevalue(who))


def test_it_refuses_a_shopkeeper_at_a_closed_shop(shop_a, a1, soap):
    shop_a.active = False
    shop_a.save()

    with refused(NotYourShop):
        redeem(shop_a, a1, (soap, 1))


# --- Idempotency -------------------------------------------------------------------------------


def test_it_makes_one_redemption_from_the_same_key_twice(shop_a, a1, soap):
    first = redeem(shop_a, a1, (soap, 2), key="retry-key-0001")
    second = redeem(shop_a, a1, (soap, 2), key="retry-key-0001")

    assert second == first
    assert Redemption.objects.count() == 1
    assert standing(a1) == (100, 80)
    assert stock_of(soap) == [18]


def test_it_answers_a_retry_with_the_first_redemption_even_if_the_form_changed(shop_a, a1, soap, oil):
    first = redeem(shop_a, a1, (soap, 2), key="retry-key-0001")

    assert redeem(shop_a, a1, (oil, 3), key="retry-key-0001") == first
    assert stock_of(soap, oil) == [18, 10]


def test_it_refuses_the_same_key_for_another_household(shop_a, a1, a2, soap):
    redeem(shop_a, a1, (soap, 2), key="retry-key-0001")

    with refused(IdempotencyKeyReused):
        redeem(shop_a, a2, (soap, 2), key="retry-key-0001")


def test_it_refuses_the_same_key_at_another_shop_of_the_same_shopkeeper(shop_a, sam, village_a, a1, soap):
    other = ShopFactory(village=village_a, name="二组代销点")
    other.shopkeepers.add(sam)
    brush = ProductFactory(shop=other, name="牙刷")
    restock(brush, 5)
    redeem(shop_a, a1, (soap, 1), key="retry-key-0001")

    with refused(IdempotencyKeyReused):
        redeem(other, a1, (brush, 1), key="retry-key-0001")


def test_it_scopes_keys_to_the_shopkeeper(shop_a, shop_b, a1, b1, soap, rice, tess):
    co_keeper = shop_a.shopkeepers.create(username="sally")

    by_sam = redeem(shop_a, a1, (soap, 1), key="same-key-0001")
    by_sally = redeem(shop_a, a1, (soap, 1), key="same-key-0001", by=co_keeper)
    by_tess = redeem(shop_b, b1, (rice, 1), key="same-key-0001")

    assert len({by_sam.pk, by_sally.pk, by_tess.pk}) == 3
    assert standing(a1) == (100, 80)


def test_it_lets_a_refused_key_succeed_once_the_goods_arrive(village_a, shop_a, alice, soap):
    household = household_open(village=village_a, number="0101", head_name="王建国", by=alice, opening_points=300)
    with refused(OutOfStock):
        redeem(shop_a, household, (soap, 25), key="retry-key-0001")
    product_restock(product=soap, quantity=5, by=alice)

    redemption = redeem(shop_a, household, (soap, 25), key="retry-key-0001")

    assert redemption.total == 250
    assert stock_of(soap) == [0]


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


def test_it_writes_down_a_past_sale_void_and_delivery_at_the_time_they_happened(shop_a, sam, alice, a1, soap):
    # Writing down a shop's past (the demo's year): every row carries that moment, the ledger's
    # entries the day of it too, and the books still reconcile.
    sold_at = timezone.now() - timedelta(days=40)
    voided_at, delivered_at = sold_at + timedelta(days=1), sold_at + timedelta(days=2)

    sale = redemption_create(
        shop=shop_a, household=a1, quantities=[(soap.pk, 2)], by=sam, idempotency_key="past-sale", at=sold_at
    )
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
