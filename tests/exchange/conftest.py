"""The shop's corner of the fixed world.

Sam keeps 农丰兑换超市 (shop A) in village A; Tess keeps 永丰兑换超市 (shop B) in village B and must
not reach anything of shop A. Shop A sells soap (10 points, 20 in stock) and oil (30 points, 10 in
stock); shop B sells rice. Stock always arrives through the restock service, so every product's
stock equals the sum of its movements, as `reconcile` demands.
"""

import uuid
from contextlib import contextmanager

import pytest

from credits.models import Entry
from exchange.models import Product, Redemption, RedemptionLine, StockMovement
from exchange.services import product_restock, redemption_create
from households.models import Household
from tests.factories import ProductFactory


def restock(product, quantity: int, *, note: str = "进货"):
    """Goods arriving, recorded by a clerk of the product's village."""
    clerk = product.shop.village.clerks.first()
    return product_restock(product=product, quantity=quantity, by=clerk, note=note)


def redeem(shop, household, *lines, by=None, key=None, **options):
    """Redeem (product, quantity) pairs at `shop`, as its first shopkeeper unless told otherwise;
    `options` go to the service as they are (`prices_seen`, `at`)."""
    return redemption_create(
        shop=shop,
        household=household,
        quantities=[(product.pk, quantity) for product, quantity in lines],
        by=by or shop.shopkeepers.order_by("pk").first(),
        idempotency_key=key or uuid.uuid4().hex,
        **options,
    )


def books() -> dict:
    """Everything a refusal must leave alone: ledger, caches, stock and the shop's rows."""
    return {
        "entries": Entry.objects.count(),
        "households": list(Household.objects.order_by("pk").values_list("pk", "score", "balance")),
        "stock": list(Product.objects.order_by("pk").values_list("pk", "stock")),
        "movements": StockMovement.objects.count(),
        "redemptions": Redemption.objects.count(),
        "lines": RedemptionLine.objects.count(),
    }


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


@pytest.fixture
def soap(shop_a):
    product = ProductFactory(shop=shop_a, name="洗衣皂", unit="块", price=10, position=1)
    restock(product, 20)
    return product


@pytest.fixture
def oil(shop_a):
    product = ProductFactory(shop=shop_a, name="食用油", unit="瓶", price=30, position=2)
    restock(product, 10)
    return product


@pytest.fixture
def rice(shop_b):
    product = ProductFactory(shop=shop_b, name="大米", unit="袋", price=20)
    restock(product, 10)
    return product
