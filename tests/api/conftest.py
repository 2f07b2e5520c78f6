"""The API's corner of the fixed world: clients holding each role's token, and a shop with goods.

`api(user)` is a client that authenticates like another system would, with the user's token in
`Authorization: Token …`; `api(None)` is anonymous. Shop A sells soap (10 points, 20 in stock);
shop B sells rice. a1 has one award (`award_a1`) and bought one soap (`sale_a1`), and is signed up
for village A's clean-up today (`activity_a`).
"""

import datetime as dt
import uuid

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.tokens import api_token_create
from activities.services import activity_create, signup_create
from credits.services import entry_record
from tests.credits.ledger import today
from tests.exchange.conftest import redeem, restock
from tests.factories import ProductFactory


@pytest.fixture
def api():
    def client(user=None, *, language="en"):
        client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
        if user is not None:
            token, _expiry = api_token_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return client

    return client


@pytest.fixture
def soap(shop_a):
    product = ProductFactory(shop=shop_a, name="洗衣皂", unit="块", price=10, position=1)
    restock(product, 20)
    return product


@pytest.fixture
def rice(shop_b):
    product = ProductFactory(shop=shop_b, name="大米", unit="袋", price=20)
    restock(product, 10)
    return product


@pytest.fixture
def award_a1(a1, award, alice):
    return entry_record(household=a1, rule=award, occurred_on=today(), by=alice, note="打扫公共区域")


@pytest.fixture
def sale_a1(shop_a, a1, soap):
    return redeem(shop_a, a1, (soap, 1))


@pytest.fixture
def activity_a(village_a, alice, award, a1):
    """Today's river clean-up in village A, awarding `award`; a1 signed up by Alice."""
    activity = activity_create(
        village=village_a,
        by=alice,
        title="清理河道",
        rule=award,
        held_on=today(),
        place="村口石桥",
        signup_until=timezone.make_aware(dt.datetime.combine(today(), dt.time(8))),
    )
    signup_create(activity=activity, household=a1, by=alice)
    return activity


def new_key() -> str:
    return uuid.uuid4().hex
