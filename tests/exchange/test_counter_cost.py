"""What the counter's redemption costs the database: the POST in a fixed handful of statements.

Counted as production runs it (a transactional test: no test savepoints among them), the session
and the user included, in one transaction whose BEGIN and COMMIT are counted apart. On PostgreSQL
the ledger's posting and the redemption's rows each go in one statement (a data-modifying CTE);
SQLite, with no network between Django and the database, keeps one statement a table (the
month's totals, `credits.models.MonthTotal`, took one; the shop, the household and its products are read
in two, `exchange.selectors.counter_visit`).
"""

from contextlib import contextmanager

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exchange.models import Redemption, StockMovement
from tests.exchange.test_views import household_url, key_of, prices_of

STATEMENTS = {"postgresql": 8, "sqlite": 12}


@contextmanager
def at_most(statements: int):
    """At most `statements` statements, besides the one transaction's BEGIN and COMMIT."""
    with CaptureQueriesContext(connection) as captured:
        yield
    sql = [query["sql"] for query in captured.captured_queries]
    # SQLite's BEGIN IMMEDIATE is not logged; PostgreSQL's BEGIN is.
    control = [s for s in sql if s.startswith("BEGIN") or s == "COMMIT"]
    assert control.count("COMMIT") == 1, sql
    assert len(sql) - len(control) <= statements, "\n".join(sql)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_redeems_in_eight_statements_on_postgresql(client, sam, shop_a, a1, soap):
    client.force_login(sam)
    page = client.get(household_url(shop_a, a1))
    data = {"key": key_of(page), **prices_of(page), f"qty_{soap.pk}": "2"}

    with at_most(STATEMENTS[connection.vendor]):
        response = client.post(household_url(shop_a, a1), data)

    redemption = Redemption.objects.get()
    assert response.status_code == 302
    assert (redemption.household, redemption.total, redemption.entry.points) == (a1, 20, -20)
    assert [(line.name, line.quantity, line.unit_price) for line in redemption.lines.all()] == [("洗衣皂", 2, 10)]
    assert StockMovement.objects.filter(redemption=redemption).get().stock_after == 18
    a1.refresh_from_db()
    assert (a1.score, a1.balance) == (100, 80)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_redeems_several_goods_in_the_same_statements_plus_one_a_good(client, sam, shop_a, a1, soap, oil):
    client.force_login(sam)
    page = client.get(household_url(shop_a, a1))
    data = {"key": key_of(page), **prices_of(page), f"qty_{soap.pk}": "1", f"qty_{oil.pk}": "1"}

    with at_most(STATEMENTS[connection.vendor] + 1):
        response = client.post(household_url(shop_a, a1), data)

    assert response.status_code == 302
    redemption = Redemption.objects.get()
    assert sorted(line.name for line in redemption.lines.all()) == ["洗衣皂", "食用油"]
    assert StockMovement.objects.filter(redemption=redemption).count() == 2
