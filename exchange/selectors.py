"""Reads of the shop, scoped to the person asking."""

from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet

from exchange.models import Product, Redemption, Shop
from households.selectors import villages_for


def shops_for(user) -> QuerySet[Shop]:
    """The shops a person may serve at: a shopkeeper's own shops (superusers: all)."""
    if not user.is_authenticated or not user.is_active:
        return Shop.objects.none()
    if user.is_superuser:
        return Shop.objects.filter(active=True)
    return Shop.objects.filter(active=True, shopkeepers=user)


def may_serve(user, shop: Shop) -> bool:
    return shops_for(user).filter(pk=shop.pk).exists()


def shops_readable_by(user) -> QuerySet[Shop]:
    """Shops a clerk or officer may see in the admin: those of their villages."""
    return Shop.objects.filter(village__in=villages_for(user))


def products_on_sale(shop: Shop) -> QuerySet[Product]:
    return shop.products.filter(active=True).order_by("position", "name")


def recent_redemptions(shop: Shop, *, limit: int = 20) -> QuerySet[Redemption]:
    return Redemption.objects.filter(shop=shop).select_related("household", "void").order_by("-id")[:limit]


def household_redemptions(household) -> QuerySet[Redemption]:
    """A household's redemptions, newest first, with their shop, void and lines: two queries a page."""
    return (
        Redemption.objects.filter(household=household)
        .select_related("shop", "void")
        .prefetch_related("lines")
        .order_by("-id")
    )


# Each product's cached stock must equal the sum of its movements, and each movement's
# stock_after the previous one's plus its own quantity.
STOCK_SQL = """
WITH chain AS (
    SELECT product_id, quantity, stock_after,
           LAG(stock_after, 1, 0) OVER (PARTITION BY product_id ORDER BY id) AS prev_stock
    FROM exchange_stockmovement
), sums AS (
    SELECT product_id, SUM(quantity) AS stock_sum,
           SUM(CASE WHEN stock_after <> prev_stock + quantity THEN 1 ELSE 0 END) AS breaks
    FROM chain GROUP BY product_id
)
SELECT p.id, s.name, p.name, p.stock, COALESCE(m.stock_sum, 0), COALESCE(m.breaks, 0)
FROM exchange_product p
JOIN exchange_shop s ON s.id = p.shop_id
LEFT JOIN sums m ON m.product_id = p.id
WHERE p.stock <> COALESCE(m.stock_sum, 0) OR COALESCE(m.breaks, 0) > 0
ORDER BY p.id
"""


@dataclass(frozen=True)
class StockDifference:
    product_id: int
    shop: str
    product: str
    stock: int
    movement_sum: int
    chain_breaks: int


def stock_differences() -> list[StockDifference]:
    with connection.cursor() as cursor:
        cursor.execute(STOCK_SQL)
        return [StockDifference(*row) for row in cursor.fetchall()]
