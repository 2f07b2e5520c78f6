"""Reads of the shop, scoped to the person asking."""

import functools
from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet

from config.db import plan_once_cursor
from exchange.models import Product, Redemption, Shop
from households.models import Household, Village
from households.selectors import villages_for


def shops_for(user) -> QuerySet[Shop]:
    """The shops a person may serve at: a shopkeeper's own shops (superusers: all)."""
    if not user.is_authenticated or not user.is_active:
        return Shop.objects.none()
    if user.is_superuser:
        return Shop.objects.filter(active=True)
    return Shop.objects.filter(active=True, shopkeepers=user)


def counter_visit(user, shop_id: int, household_id: int) -> tuple[Shop, Household, list[Product]] | None:
    """The shop, if `user` serves at it (as `shops_for` says), the household, if it is of the shop's
    village (its village read with it), and the shop's products in their order; None otherwise.

    Every request at the counter asks this, the redemption's POST included: in two statements,
    prepared on PostgreSQL, where the ORM took three whose compiling cost more CPU than the database
    spends on them. If `shops_for`'s scope changes, tests/exchange/test_views.py fails on a stranger
    or on another shop's shopkeeper."""
    if not user.is_authenticated or not user.is_active:
        return None
    with plan_once_cursor() as cursor:
        cursor.execute(_visit_sql(), [household_id, shop_id, user.is_superuser, user.pk])
        row = cursor.fetchone()
        if row is None:
            return None
        shop_fields, household_fields, village_fields = _visit_fields()
        shop = Shop.from_db(connection.alias, [f.attname for f in shop_fields], row[: len(shop_fields)])
        row = row[len(shop_fields) :]
        household = Household.from_db(
            connection.alias, [f.attname for f in household_fields], row[: len(household_fields)]
        )
        household.village = Village.from_db(
            connection.alias, [f.attname for f in village_fields], row[len(household_fields) :]
        )
        cursor.execute(_products_sql(), [shop.pk])
        products = [Product.from_db(connection.alias, [f.attname for f in Product._meta.concrete_fields], r)
                    for r in cursor.fetchall()]  # fmt: skip
    return shop, household, products


@functools.cache
def _visit_fields():
    return Shop._meta.concrete_fields, Household._meta.concrete_fields, Village._meta.concrete_fields


@functools.cache
def _visit_sql() -> str:
    q = connection.ops.quote_name
    shop_fields, household_fields, village_fields = _visit_fields()
    keepers = Shop.shopkeepers.through
    columns = [*(f"s.{q(f.column)}" for f in shop_fields), *(f"h.{q(f.column)}" for f in household_fields),
               *(f"v.{q(f.column)}" for f in village_fields)]  # fmt: skip
    return (
        f"SELECT {', '.join(columns)} FROM {q(Shop._meta.db_table)} s "
        f"JOIN {q(Household._meta.db_table)} h ON h.{q('village_id')} = s.{q('village_id')} AND h.id = %s "
        f"JOIN {q(Village._meta.db_table)} v ON v.id = s.{q('village_id')} "
        f"WHERE s.id = %s AND s.{q('active')} AND (%s OR EXISTS (SELECT 1 FROM {q(keepers._meta.db_table)} k "
        f"WHERE k.{q(keepers._meta.get_field('shop').column)} = s.id "
        f"AND k.{q(keepers._meta.get_field('user').column)} = %s))"
    )


@functools.cache
def _products_sql() -> str:
    q = connection.ops.quote_name
    columns = ", ".join(q(f.column) for f in Product._meta.concrete_fields)
    return (
        f"SELECT {columns} FROM {q(Product._meta.db_table)} WHERE {q('shop_id')} = %s "
        f"ORDER BY {q('position')}, {q('name')}"
    )


def may_serve(user, shop: Shop) -> bool:
    return shops_for(user).filter(pk=shop.pk).exists()


def shops_readable_by(user) -> QuerySet[Shop]:
    """Shops a clerk or officer may see in the admin: those of their villages."""
    return Shop.objects.filter(village__in=villages_for(user))


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
