"""The shop in the clerk's admin: scoped lists, restock, stocktake, the low-stock flag, voids.

Alice keeps village A and its shop; Bob keeps village B; Olivia reads both and changes nothing;
Sam keeps a shop but has no business in the admin.
"""

import pytest
from django.urls import reverse

from exchange.models import Product, Redemption, RedemptionVoid, Shop, StockMovement
from exchange.services import product_stocktake, redemption_void
from tests.exchange.conftest import books, redeem

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def world(shop_a, shop_b, a1, b1, soap, oil, rice):
    """A sale in each village, so every list has rows on both sides of the line."""
    return {"sale_a": redeem(shop_a, a1, (soap, 2), (oil, 1)), "sale_b": redeem(shop_b, b1, (rice, 1))}


def url(name: str, obj=None) -> str:
    return reverse(f"admin:exchange_{name}", args=[obj.pk] if obj is not None else [])


def listed(client, model_name: str) -> list:
    response = client.get(url(f"{model_name}_changelist"))
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def errors_of(response) -> str:
    return str(response.context["form"].errors)


# --- Scope -------------------------------------------------------------------------------------


def test_it_shows_a_clerk_only_her_villages_shop(client, alice, world, shop_a, soap, oil, rice):
    client.force_login(alice)

    assert listed(client, "shop") == [shop_a]
    assert set(listed(client, "product")) == {soap, oil}
    assert listed(client, "redemption") == [world["sale_a"]]
    assert {m.product for m in listed(client, "stockmovement")} == {soap, oil}
    for name in ("shop", "product", "redemption", "stockmovement"):
        page = client.get(url(f"{name}_changelist")).content.decode()
        assert "永丰兑换超市" not in page and "大米" not in page, name  # not even among the filters


def test_it_treats_another_villages_rows_as_missing(client, alice, world, shop_b, rice):
    client.force_login(alice)
    movement = rice.movements.first()

    for address in (
        url("shop_change", shop_b),
        url("product_change", rice),
        url("product_restock", rice),
        url("product_stocktake", rice),
        url("redemption_change", world["sale_b"]),
        url("redemption_void", world["sale_b"]),
        url("stockmovement_change", movement),
    ):
        assert client.get(address).status_code == 404, address
    before = books()
    assert client.post(url("redemption_void", world["sale_b"]), {"reason": "x"}).status_code == 404
    assert client.post(url("product_restock", rice), {"quantity": 5}).status_code == 404
    assert books() == before


def test_it_lets_the_officer_read_both_villages_and_change_nothing(client, olivia, world, soap, rice):
    client.force_login(olivia)
    before = books()

    assert set(listed(client, "product")) >= {soap, rice}
    assert len(listed(client, "redemption")) == 2
    assert client.post(url("product_restock", soap), {"quantity": 5}).status_code == 403
    assert client.post(url("product_stocktake", soap), {"counted": 1, "note": "x"}).status_code == 403
    assert client.post(url("redemption_void", world["sale_a"]), {"reason": "x"}).status_code == 403
    assert client.post(url("product_change", soap), {"name": "改名", "price": 1}).status_code == 403
    assert client.get(url("product_add")).status_code == 403
    page = client.get(url("redemption_change", world["sale_a"])).content.decode()
    assert "洗衣皂" in page and "Void this redemption" not in page
    assert books() == before
    assert Product.objects.get(pk=soap.pk).name == "洗衣皂"


def test_it_sends_the_shopkeeper_from_the_admin_to_the_counter(client, sam, world, shop_a, soap):
    client.force_login(sam)
    before = books()

    response = client.get(reverse("admin:index"), follow=True)

    assert response.redirect_chain[-1][0] == reverse("counter:shop", args=[shop_a.pk])
    assert "you serve at the counter" in response.content.decode()
    for address in (
        *(url(f"{name}_changelist") for name in ("shop", "product", "redemption", "stockmovement")),
        url("product_restock", soap),
        url("redemption_void", world["sale_a"]),
    ):
        response = client.get(address)
        assert response.status_code == 403
        assert "you serve at the counter" in response.content.decode()
    assert books() == before


# --- Goods -------------------------------------------------------------------------------------


def test_it_offers_a_clerk_only_her_villages_shops_for_new_goods(english, alice, shop_a, shop_b):
    english.force_login(alice)

    form = english.get(url("product_add")).context["adminform"].form
    assert list(form.fields["shop"].queryset) == [shop_a]

    response = english.post(url("product_add"), {"shop": shop_b.pk, "name": "酱油", "unit": "瓶", "price": 15})
    assert "shop" in response.context["adminform"].form.errors
    assert not Product.objects.filter(name="酱油").exists()


def test_it_adds_goods_with_no_stock_whatever_is_posted(english, alice, shop_a):
    english.force_login(alice)
    data = {"shop": shop_a.pk, "name": "酱油", "unit": "瓶", "price": 15, "low_stock": 5, "position": 0}

    response = english.post(url("product_add"), {**data, "active": "on", "stock": 999})

    assert response.status_code == 302
    assert Product.objects.get(name="酱油").stock == 0


def test_it_keeps_stock_and_shop_read_only_on_the_product_page(english, alice, soap, shop_a):
    english.force_login(alice)

    form = english.get(url("product_change", soap)).context["adminform"].form

    assert "stock" not in form.fields and "shop" not in form.fields
    assert {"name", "unit", "price", "low_stock", "active"} <= set(form.fields)


def test_it_restocks_through_the_restock_page(english, alice, soap):
    english.force_login(alice)
    page = english.get(url("product_restock", soap)).content.decode()
    assert "洗衣皂" in page and "<strong>20</strong>" in page
    assert url("product_changelist") in page  # the breadcrumbs lead back to the goods

    response = english.post(url("product_restock", soap), {"quantity": 12, "note": "镇里调拨"})

    assert response.status_code == 302
    assert response.url == url("product_changelist")
    assert Product.objects.get(pk=soap.pk).stock == 32
    movement = soap.movements.first()
    assert (movement.kind, movement.quantity, movement.stock_after) == (StockMovement.Kind.RESTOCK, 12, 32)
    assert (movement.recorded_by, movement.note) == (alice, "镇里调拨")
    assert "洗衣皂 restocked: 32 in stock." in english.get(response.url).content.decode()


@pytest.mark.parametrize("quantity", [0, -5, "十"])
def test_it_refuses_a_bad_restock_quantity(english, alice, soap, quantity):
    english.force_login(alice)
    before = books()

    response = english.post(url("product_restock", soap), {"quantity": quantity})

    assert response.status_code == 200
    assert "quantity" in response.context["form"].errors
    assert books() == before


def test_it_records_a_stocktake_difference_with_its_reason(english, alice, soap):
    english.force_login(alice)

    response = english.post(url("product_stocktake", soap), {"counted": 17, "note": "受潮损坏"})

    assert response.status_code == 302
    movement = soap.movements.first()
    assert (movement.kind, movement.quantity, movement.stock_after) == (StockMovement.Kind.STOCKTAKE, -3, 17)
    assert (movement.note, movement.recorded_by) == ("受潮损坏", alice)
    assert "Stocktake of 洗衣皂 recorded: -3, 17 in stock." in english.get(response.url).content.decode()


def test_it_wants_a_reason_for_a_stocktake_and_records_nothing_when_the_count_matches(english, alice, soap):
    english.force_login(alice)
    before = books()

    refused = english.post(url("product_stocktake", soap), {"counted": 17, "note": ""})
    matching = english.post(url("product_stocktake", soap), {"counted": 20, "note": "月底盘点"})

    assert "note" in errors_of(refused)
    assert matching.status_code == 302
    assert "The count matches the stock; nothing changed." in english.get(matching.url).content.decode()
    assert books() == before


def test_it_flags_low_stock_and_filters_for_it(english, alice, soap, oil):
    product_stocktake(product=oil, counted=5, by=alice, note="盘点")
    english.force_login(alice)

    page = english.get(url("product_changelist")).content.decode()
    low = english.get(url("product_changelist"), {"low": "1"})

    assert "⚠ 5" in page and "⚠ 20" not in page
    assert list(low.context["cl"].result_list) == [oil]
    assert "At or below the threshold" in low.content.decode()


# --- Redemptions and voids ---------------------------------------------------------------------


def test_it_shows_a_redemption_read_only_with_its_lines_and_a_way_to_void(english, alice, world):
    sale = world["sale_a"]
    english.force_login(alice)

    response = english.get(url("redemption_change", sale))

    page = response.content.decode()
    assert response.status_code == 200
    assert "洗衣皂" in page and "食用油" in page
    assert url("redemption_void", sale) in page
    assert not response.context["has_change_permission"]
    assert english.post(url("redemption_change", sale), {"total": 1}).status_code == 403
    assert Redemption.objects.get(pk=sale.pk).total == 50


def test_it_voids_a_redemption_once_through_the_void_page(english, alice, world, a1, soap, oil):
    sale = world["sale_a"]
    english.force_login(alice)
    assert "洗衣皂" in english.get(url("redemption_void", sale)).content.decode()

    first = english.post(url("redemption_void", sale), {"reason": "商品有破损"})

    assert first.status_code == 302
    assert first.url == url("redemption_change", sale)
    a1.refresh_from_db()
    assert (a1.score, a1.balance) == (100, 100)
    assert [Product.objects.get(pk=p.pk).stock for p in (soap, oil)] == [20, 10]
    page = english.get(first.url).content.decode()
    assert f"Redemption {sale.number} was voided" in page
    assert "Voided by alice" in page and "商品有破损" in page
    assert url("redemption_void", sale) not in page

    before = books()
    second = english.post(url("redemption_void", sale), {"reason": "再退一次"})
    assert second.status_code == 200
    assert "already been voided" in second.content.decode()
    assert books() == before
    assert RedemptionVoid.objects.count() == 1


def test_it_wants_a_reason_to_void(english, alice, world):
    english.force_login(alice)
    before = books()

    response = english.post(url("redemption_void", world["sale_a"]), {"reason": ""})

    assert "reason" in errors_of(response)
    assert books() == before


def test_it_shows_voided_redemptions_in_the_list(english, alice, world):
    redemption_void(redemption=world["sale_a"], reason="退货", by=alice)
    english.force_login(alice)

    response = english.get(url("redemption_changelist"))

    assert 'alt="True"' in response.content.decode()


def test_it_lets_no_one_change_or_delete_the_shops_history(english, alice, world, soap):
    english.force_login(alice)
    movement = soap.movements.first()

    assert english.post(url("stockmovement_delete", movement)).status_code == 403
    assert english.post(url("redemption_delete", world["sale_a"])).status_code == 403
    assert english.post(url("product_delete", soap)).status_code == 403
    assert english.get(url("redemption_add")).status_code == 403
    assert Shop.objects.count() == 2


def test_it_shows_the_restock_and_stocktake_links_only_to_who_may_use_them(client, alice, olivia, shop_a, soap):
    restock = reverse("admin:exchange_product_restock", args=[soap.pk])
    changelist = reverse("admin:exchange_product_changelist")

    client.force_login(olivia)
    assert restock not in client.get(changelist).content.decode()
    assert client.get(restock).status_code == 403
    client.force_login(alice)
    assert restock in client.get(changelist).content.decode()
