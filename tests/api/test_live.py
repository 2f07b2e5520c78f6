"""16 redemptions at once, over real HTTP, against one household: never more than it can afford.

Django's live server answers each request on its own thread with its own database connection,
as gunicorn's workers would; the clients are threads too, released together at a barrier.
"""

import http.client
import json
import uuid
from urllib.parse import urlsplit

import pytest

from accounts.tokens import api_token_create
from exchange.models import Redemption
from tests.credits.ledger import reconcile, scores
from tests.exchange.conftest import restock
from tests.factories import ProductFactory
from tests.threads import run_together

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CLIENTS = 16


def post_json(base_url: str, path: str, body: dict, headers: dict) -> tuple[int, dict]:
    address = urlsplit(base_url)
    conn = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
    try:
        conn.request("POST", path, json.dumps(body), {"Content-Type": "application/json", **headers})
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


def test_it_never_sells_more_than_a_household_can_afford_over_http(live_server, sam, shop_a, a1):
    oil = ProductFactory(shop=shop_a, name="食用油", unit="瓶", price=30)
    restock(oil, 100)
    token = api_token_create(user=sam)[0]
    body = {"household": a1.pk, "shop": shop_a.pk, "lines": [{"product": oil.pk, "quantity": 1}]}

    def buy():
        headers = {"Authorization": f"Token {token}", "Idempotency-Key": uuid.uuid4().hex}
        return post_json(live_server.url, "/api/redemptions/", body, headers)

    results, errors = run_together(*[buy] * CLIENTS)
    assert errors == [None] * CLIENTS
    statuses = sorted(status for status, _body in results)
    # 100 points buy three bottles at 30; every other request is refused for the balance.
    assert statuses == [201] * 3 + [409] * (CLIENTS - 3), results
    assert {body["code"] for status, body in results if status == 409} == {"insufficient_balance"}
    assert sorted(body["balance_after"] for status, body in results if status == 201) == [10, 40, 70]
    assert Redemption.objects.filter(household=a1).count() == 3
    assert scores(a1) == [(100, 10)]
    oil.refresh_from_db()
    assert oil.stock == 97
    assert "agree" in reconcile()
