"""The contract of the API's shop: goods, stock, redemptions with their idempotency keys, voids."""

import pytest

from exchange.models import Redemption, StockMovement
from tests.credits.ledger import reconcile, scores
from tests.exchange.conftest import books

from .conftest import new_key

pytestmark = pytest.mark.django_db

REDEMPTION_FIELDS = {"id", "number", "household", "shop", "lines", "total", "balance_after", "created_at", "voided"}


def redeem(client, shop, household, lines, *, key=None):
    body = {"household": household.pk, "shop": shop.pk, "lines": [{"product": p, "quantity": q} for p, q in lines]}
    return client.post("/api/redemptions/", body, format="json", HTTP_IDEMPOTENCY_KEY=key or new_key())


def test_it_reads_products_with_their_stock(api, sam, soap, rice):
    body = api(sam).get("/api/products/").json()
    assert body["results"] == [
        {"id": soap.pk, "shop": soap.shop_id, "name": "洗衣皂", "unit": "块", "price": 10, "stock": 20, "active": True}
    ]


def test_it_keeps_goods_and_stock_through_the_services(api, alice, shop_a, soap):
    client = api(alice)
    created = client.post(
        "/api/products/", {"shop": shop_a.pk, "name": "酱油", "unit": "瓶", "price": 9}, format="json"
    )
    assert created.status_code == 201 and created.json()["stock"] == 0
    taken = client.post("/api/products/", {"shop": shop_a.pk, "name": "酱油", "unit": "瓶", "price": 9}, format="json")
    assert (taken.status_code, taken.json()["code"]) == (409, "product_name_taken")
    free = client.post("/api/products/", {"shop": shop_a.pk, "name": "x", "unit": "瓶", "price": 0}, format="json")
    assert (free.status_code, set(free.json()["details"])) == (400, {"price"})
    restocked = client.post(f"/api/products/{soap.pk}/restock/", {"quantity": 5, "note": "进货"}, format="json")
    assert restocked.json()["stock"] == 25
    for quantity in (-1, 0, 100_001, 10**40):
        response = client.post(f"/api/products/{soap.pk}/restock/", {"quantity": quantity}, format="json")
        assert (response.status_code, set(response.json()["details"])) == (400, {"quantity"})
    patched = client.patch(f"/api/products/{soap.pk}/", {"price": 12, "active": False}, format="json")
    assert (patched.json()["price"], patched.json()["active"], patched.json()["stock"]) == (12, False, 25)
    assert "agree" in reconcile()


def test_it_redeems_and_answers_with_the_receipt(api, sam, shop_a, a1, soap):
    response = redeem(api(sam), shop_a, a1, [(soap.pk, 2), (soap.pk, 1)])
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == REDEMPTION_FIELDS
    redemption = Redemption.objects.get()
    assert body | {"created_at": ""} == {
        "id": redemption.pk, "number": redemption.number, "household": a1.pk, "shop": shop_a.pk,
        "lines": [{"product": soap.pk, "name": "洗衣皂", "unit_price": 10, "quantity": 3}],
        "total": 30, "balance_after": 70, "created_at": "", "voided": False,
    }  # fmt: skip
    assert scores(a1) == [(100, 70)]
    listed = api(sam).get(f"/api/redemptions/?household={a1.pk}").json()["results"]
    assert [row["id"] for row in listed] == [redemption.pk]


@pytest.mark.parametrize(
    "lines, status, code",
    [
        ([], 400, "invalid"),
        ([(None, 1)], 400, "invalid"),
        ("soap", 400, "invalid"),
        ([("soap", 0)], 400, "invalid"),
        ([("soap", -1)], 400, "invalid"),
        ([("soap", 1000)], 400, "invalid"),
        ([("soap", 10**20)], 400, "invalid"),
        ([("soap", 600), ("soap", 600)], 422, "bad_quantity"),
        ([(10**7, 1)], 422, "unknown_product"),
        ([("rice", 1)], 422, "unknown_product"),
        ([("soap", 21)], 409, "out_of_stock"),
        ([("soap", 11)], 409, "insufficient_balance"),
    ],
)
def test_it_refuses_a_redemption_it_cannot_make_and_changes_nothing(
    api, sam, shop_a, a1, soap, rice, lines, status, code
):
    ids = {"soap": soap.pk, "rice": rice.pk}
    before = books()
    if lines == "soap":
        body = {"household": a1.pk, "shop": shop_a.pk, "lines": "soap"}
        response = api(sam).post("/api/redemptions/", body, format="json", HTTP_IDEMPOTENCY_KEY=new_key())
    else:
        response = redeem(api(sam), shop_a, a1, [(ids.get(p, p), q) for p, q in lines])
    assert (response.status_code, response.json()["code"]) == (status, code), response.content
    assert books() == before


def test_it_needs_an_idempotency_key_to_redeem(api, sam, shop_a, a1, soap):
    body = {"household": a1.pk, "shop": shop_a.pk, "lines": [{"product": soap.pk, "quantity": 1}]}
    missing = api(sam).post("/api/redemptions/", body, format="json")
    assert (missing.status_code, missing.json()["code"]) == (400, "idempotency_key_required")
    bad = api(sam).post("/api/redemptions/", body, format="json", HTTP_IDEMPOTENCY_KEY="空格 不行")
    assert (bad.status_code, bad.json()["code"]) == (400, "idempotency_key_invalid")
    assert not Redemption.objects.exists()


def test_it_voids_a_redemption_once_returning_points_and_goods(api, alice, sam, a1, soap, sale_a1):
    client = api(alice)
    response = client.post(f"/api/redemptions/{sale_a1.pk}/void/", {"reason": "退货"}, format="json")
    assert (response.status_code, response.json()["voided"]) == (200, True)
    assert scores(a1) == [(100, 100)]
    soap.refresh_from_db()
    assert soap.stock == 20 and StockMovement.objects.filter(kind="void").count() == 1
    again = client.post(f"/api/redemptions/{sale_a1.pk}/void/", {"reason": "退货"}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "already_voided")
    assert api(sam).get(f"/api/redemptions/{sale_a1.pk}/").json()["voided"] is True
    assert "agree" in reconcile()


def test_it_reads_villages_and_shops_in_scope(api, sam, olivia, shop_a, shop_b, village_a):
    assert api(sam).get("/api/villages/").json()["results"] == [
        {"id": village_a.pk, "code": "nongfeng", "name": "农丰村", "town": "百步镇"}
    ]
    assert api(sam).get("/api/shops/").json()["results"] == [
        {"id": shop_a.pk, "village": village_a.pk, "village_code": "nongfeng", "name": "农丰兑换超市", "active": True}
    ]
    assert [shop["id"] for shop in api(olivia).get("/api/shops/").json()["results"]] == [shop_a.pk, shop_b.pk]
