"""The shop's services: redeeming goods for points (voids and stock: `test_voids_and_stock.py`).

Each test states one rule of the design: spending lowers the balance and never the score, a
receipt is a snapshot, a refusal changes nothing, and a retried submission makes one redemption.
"""


import pytest
from django.utils import timezone

from credits.errors import InsufficientBalance
from credits.models import Entry
from credits.services import entry_record, household_open
from exchange.errors import (
    BadQuantity,
    EmptyRedemption,
    IdempotencyKeyReused,
    NotYourShop,
    OutOfStock,
    PriceChanged,
    ProductRetired,
    UnknownProduct,
)
from exchange.models import Product, Redemption, StockMovement
from exchange.services import product_restock, redemption_create
from households.errors import HouseholdClosed
from households.services import household_close
from tests.exchange.conftest import redeem, refused, restock, standing, stock_of
from tests.factories import ProductFactory, RuleFactory, ShopFactory

pytestmark = pytest.mark.django_db

Kind = StockMovement.Kind


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


def test_it_refuses_a_price_changed_since_the_villager_was_shown_it(shop_a, a1, soap, oil):
    soap.price = 12
    soap.save()

    with refused(PriceChanged) as refusal:
        redeem(shop_a, a1, (soap, 2), (oil, 1), prices_seen={soap.pk: 10, oil.pk: 30})

    assert refusal.value.message == (
        "The price of “洗衣皂” has changed from 10 to 12 points since the page was opened. "
        "Check the total with the villager and confirm again."
    )


def test_it_charges_the_prices_seen_when_they_still_hold(shop_a, a1, soap, oil):
    assert redeem(shop_a, a1, (soap, 2), (oil, 1), prices_seen={soap.pk: 10, oil.pk: 30}).total == 50


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
