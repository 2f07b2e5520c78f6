"""`product_create` and `product_update`: goods on the shelf, kept by the village's clerks only."""

import pytest

from exchange.errors import BadPrice, ProductNameTaken
from exchange.services import product_create, product_update
from households.errors import NotYours
from tests.credits.ledger import reconcile
from tests.exchange.conftest import redeem

pytestmark = pytest.mark.django_db


def test_it_puts_a_product_on_the_shelf_with_no_stock(alice, shop_a):
    product = product_create(shop=shop_a, name=" 酱油 ", unit="瓶", price=9, by=alice)
    assert (product.name, product.price, product.stock, product.active) == ("酱油", 9, 0, True)


@pytest.mark.parametrize("user", ["bob", "olivia", "sam"])
def test_it_refuses_anyone_who_does_not_keep_the_village(request, shop_a, soap, user):
    with pytest.raises(NotYours):
        product_create(shop=shop_a, name="x", unit="瓶", price=9, by=request.getfixturevalue(user))
    with pytest.raises(NotYours):
        product_update(product=soap, price=1, by=request.getfixturevalue(user))


def test_it_refuses_a_bad_price_and_a_taken_name(alice, shop_a, soap, oil):
    with pytest.raises(BadPrice):
        product_update(product=soap, price=0, by=alice)
    with pytest.raises(ProductNameTaken):
        product_update(product=soap, name=oil.name, by=alice)


def test_it_never_touches_the_stock_or_past_receipts(alice, shop_a, a1, soap):
    stale = type(soap).objects.get(pk=soap.pk)  # read before the sale, as an edit page open meanwhile
    sale = redeem(shop_a, a1, (soap, 2))
    product_update(product=stale, price=15, name="香皂", by=alice)
    soap.refresh_from_db()
    assert (soap.stock, soap.price, soap.name) == (18, 15, "香皂")
    line = sale.lines.get()
    assert (line.name, line.unit_price) == ("洗衣皂", 10)
    assert "agree" in reconcile()
