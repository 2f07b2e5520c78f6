"""The shop's history is append-only, and stock never negative, in the database itself.

Below the ORM, on SQLite and PostgreSQL: triggers refuse UPDATE and DELETE on stock movements,
redemptions, their lines and voids; a check constraint refuses a negative stock. Each refused
statement runs in its own savepoint, so only it is rolled back and the test goes on.
"""

import pytest
from django.db import IntegrityError, connection, transaction

from exchange.models import Product, Redemption, RedemptionLine, RedemptionVoid, StockMovement
from exchange.services import redemption_void
from tests.credits.test_append_only import replacing, truncate
from tests.exchange.conftest import books, redeem

pytestmark = pytest.mark.django_db

TABLES = ["exchange_stockmovement", "exchange_redemption", "exchange_redemptionline", "exchange_redemptionvoid"]


@pytest.fixture
def history(shop_a, alice, a1, a2, soap, oil):
    """Every kind of append-only row: movements, a redemption with lines, and a void."""
    redeem(shop_a, a2, (soap, 1))
    sale = redeem(shop_a, a1, (soap, 2), (oil, 1))
    redemption_void(redemption=sale, reason="退货", by=alice)
    assert all(model.objects.exists() for model in (StockMovement, Redemption, RedemptionLine, RedemptionVoid))
    return books()


def refused_by_trigger():
    return pytest.raises(IntegrityError, match="append-only")


@pytest.mark.parametrize("table", TABLES)
def test_it_refuses_a_raw_sql_update(history, table):
    with refused_by_trigger(), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET id = id")

    assert books() == history


@pytest.mark.parametrize("table", TABLES)
def test_it_refuses_a_raw_sql_delete(history, table):
    with refused_by_trigger(), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")

    assert books() == history


def test_it_refuses_orm_edits_of_the_shops_history(history):
    redemption = Redemption.objects.filter(void__isnull=True).get()

    with refused_by_trigger(), transaction.atomic():
        StockMovement.objects.update(quantity=1)
    with refused_by_trigger(), transaction.atomic():
        Redemption.objects.filter(pk=redemption.pk).update(total=0)
    with refused_by_trigger(), transaction.atomic():
        RedemptionLine.objects.update(unit_price=1)
    with refused_by_trigger(), transaction.atomic():
        RedemptionVoid.objects.update(reason="改过")
    with refused_by_trigger(), transaction.atomic():
        RedemptionVoid.objects.all().delete()

    assert books() == history
    assert RedemptionVoid.objects.get().reason == "退货"


def test_it_refuses_a_negative_stock_in_the_database(soap):
    # Both databases name the violated constraint.
    with pytest.raises(IntegrityError, match="product_stock_not_negative"), transaction.atomic():
        Product.objects.filter(pk=soap.pk).update(stock=-1)
    with pytest.raises(IntegrityError, match="product_stock_not_negative"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE exchange_product SET stock = stock - 21 WHERE id = %s", [soap.pk])

    assert Product.objects.get(pk=soap.pk).stock == 20


@pytest.mark.parametrize("table", TABLES)
def test_it_refuses_replacing_a_row(history, table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT max(id) FROM {table}")
        (row_id,) = cursor.fetchone()

    with refused_by_trigger(), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(replacing(table), [row_id])

    assert books() == history


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no TRUNCATE")
@pytest.mark.parametrize("table", TABLES)
def test_it_refuses_truncating(history, table):
    with refused_by_trigger(), transaction.atomic():
        truncate(table)

    assert books() == history
