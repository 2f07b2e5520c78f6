"""Redemptions exported from the admin: the user's shops only, goods and voids as they happened."""

import csv
import io

import pytest
from django.urls import reverse

from exchange.resources import RedemptionExportResource
from exchange.services import redemption_void
from tests.exchange.conftest import redeem

pytestmark = pytest.mark.django_db

EXPORT = reverse("admin:exchange_redemption_export")
FIELDS = {f"redemptionexportresource_{name}": "on" for name in RedemptionExportResource._meta.fields}


def export(client):
    response = client.post(EXPORT, {"format": 0, "resource": 0, **FIELDS})
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_it_exports_redemptions_with_their_goods_and_voids(client, alice, a1, soap, oil, shop_a):
    first = redeem(shop_a, a1, (soap, 2), (oil, 1))
    second = redeem(shop_a, a1, (soap, 1))
    redemption_void(redemption=second, reason="拿错了", by=alice)
    client.force_login(alice)

    header, *rows = export(client)

    assert header[:2] == ["No.", "time"]
    assert [row[0] for row in rows] == [first.number, second.number]
    assert rows[0][6] == "洗衣皂×2块；食用油×1瓶"
    assert (rows[0][7], rows[0][9]) == ("50", "")
    assert (rows[1][9], rows[1][10]) == ("yes", "拿错了")


def test_it_never_exports_another_villages_redemptions(client, bob, mallory, a1, b1, soap, rice, shop_a, shop_b):
    redeem(shop_a, a1, (soap, 1))
    mine = redeem(shop_b, b1, (rice, 1))
    client.force_login(bob)

    assert [row[0] for row in export(client)[1:]] == [mine.number]

    client.force_login(mallory)
    assert client.post(EXPORT, {"format": 0, "resource": 0}).status_code == 403
