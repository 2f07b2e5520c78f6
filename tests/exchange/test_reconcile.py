"""`manage.py reconcile` proves every product's stock against its movements.

Stock is corrupted the ways the database still allows: the cached `stock` written behind the
services' back, and a stray movement inserted (INSERT is allowed; edits are not).
"""

import pytest

from exchange.models import Product, StockMovement
from exchange.selectors import stock_differences
from exchange.services import product_stocktake, redemption_void
from tests.credits.ledger import reconcile, refused_reconcile
from tests.exchange.conftest import redeem, restock

pytestmark = pytest.mark.django_db


def test_it_finds_the_books_clean_after_sales_voids_restocks_and_stocktakes(shop_a, alice, a1, a2, soap, oil, rice):
    redeem(shop_a, a1, (soap, 2), (oil, 1))
    sale = redeem(shop_a, a2, (oil, 2))
    redemption_void(redemption=sale, reason="退货", by=alice)
    restock(soap, 7)
    product_stocktake(product=oil, counted=6, by=alice, note="破损")

    output = reconcile()

    assert "All 2 households and 3 products agree with their books." in output
    assert stock_differences() == []


def test_it_names_a_product_whose_stock_was_changed_behind_the_services_back(shop_a, soap, oil):
    Product.objects.filter(pk=oil.pk).update(stock=99)

    message, output = refused_reconcile()

    assert str(message) == "1 difference between the cached figures and the books."
    assert f"农丰兑换超市 / 食用油 (id {oil.pk}): stock 99 but movements sum to 10" in output
    assert "洗衣皂" not in output


def test_it_catches_stock_that_appeared_without_any_movement(shop_a, alice):
    lamp = Product.objects.create(shop=shop_a, name="台灯", unit="盏", price=80)
    assert "agree" in reconcile()

    Product.objects.filter(pk=lamp.pk).update(stock=3)

    _message, output = refused_reconcile()
    assert f"台灯 (id {lamp.pk}): stock 3 but movements sum to 0" in output


def test_it_catches_a_stray_movement_that_breaks_the_stock_chain(shop_a, alice, soap, oil):
    # The stray movement says 20 → 25 without touching the product: both the sum and the chain break.
    StockMovement.objects.create(
        product=soap, kind=StockMovement.Kind.RESTOCK, quantity=5, stock_after=30, recorded_by=alice
    )

    message, output = refused_reconcile()

    assert str(message).startswith("1 difference")
    assert f"洗衣皂 (id {soap.pk}): stock 20 but movements sum to 25; 1 broken links" in output
