"""The redemption counter (`/counter/`): finding a household, redeeming goods, the receipt.

Only a shop's shopkeepers reach its pages; everyone else gets a 403 at the door or a 404 on a
shop's address, so ids reveal nothing. Sam keeps shop A; Tess keeps shop B and is the "not yours".
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from credits.services import entry_record
from exchange.models import Product, Redemption
from exchange.services import product_stocktake, redemption_void
from households.models import StarLevel
from households.services import household_close
from tests.exchange.conftest import books, redeem
from tests.factories import RuleFactory, ShopFactory, open_household

pytestmark = pytest.mark.django_db

COUNTER = reverse("counter:home")


@pytest.fixture
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def at_counter(english, sam, shop_a, soap, oil):
    english.force_login(sam)
    return english


def shop_url(shop) -> str:
    return reverse("counter:shop", args=[shop.pk])


def household_url(shop, household) -> str:
    return reverse("counter:household", args=[shop.pk, household.pk])


def receipt_url(redemption) -> str:
    return reverse("counter:receipt", args=[redemption.shop_id, redemption.pk])


def key_of(response) -> str:
    return re.search(r'name="key" value="([^"]+)"', response.content.decode()).group(1)


def prices_of(response) -> dict[str, str]:
    """The prices the page showed, as its hidden fields post them back."""
    return dict(re.findall(r'<input type="hidden" name="(price_\d+)" value="(\d+)">', response.content.decode()))


def order(client, shop, household, *lines, key=None, **fields):
    """GET the household page, then POST its form with quantities for (product, quantity) lines."""
    page = client.get(household_url(shop, household))
    data = {"key": key or key_of(page), **prices_of(page)}
    data.update({f"qty_{product.pk}": quantity for product, quantity in lines}, **fields)
    return client.post(household_url(shop, household), data)


# --- Who may come to the counter ---------------------------------------------------------------


def test_it_sends_strangers_to_log_in(client, shop_a, a1, soap):
    sale = redeem(shop_a, a1, (soap, 1))

    for url in (COUNTER, shop_url(shop_a), household_url(shop_a, a1), receipt_url(sale)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url == f"/accounts/login/?next={url}"


@pytest.mark.parametrize("who", ["alice", "olivia", "mallory"])
def test_it_keeps_everyone_but_shopkeepers_out(request, client, shop_a, a1, soap, who):
    sale = redeem(shop_a, a1, (soap, 1))
    client.force_login(request.getfixturevalue(who))

    assert client.get(COUNTER).status_code == 403
    for url in (shop_url(shop_a), household_url(shop_a, a1), receipt_url(sale)):
        assert client.get(url).status_code == 404
    assert client.post(household_url(shop_a, a1), {"key": "k" * 32, f"qty_{soap.pk}": 1}).status_code == 404
    assert Redemption.objects.count() == 1


def test_it_keeps_another_shops_keeper_out_of_this_shop(client, tess, shop_a, shop_b, a1, b1, soap):
    sale = redeem(shop_a, a1, (soap, 1))
    client.force_login(tess)
    before = books()

    for url in (shop_url(shop_a), household_url(shop_a, a1), receipt_url(sale), household_url(shop_b, a1)):
        assert client.get(url).status_code == 404, url
    assert client.get(f"{shop_url(shop_b)}?q=应美凤").context["results"] == []
    assert client.post(household_url(shop_b, a1), {"key": "k" * 32, f"qty_{soap.pk}": 1}).status_code == 404
    assert client.get(reverse("counter:receipt", args=[shop_b.pk, sale.pk])).status_code == 404
    assert books() == before


def test_it_keeps_a_closed_shop_closed_to_its_own_keeper(client, sam, shop_a, a1, soap):
    shop_a.active = False
    shop_a.save(update_fields=["active"])
    client.force_login(sam)
    before = books()

    assert client.get(household_url(shop_a, a1)).status_code == 404
    assert client.post(household_url(shop_a, a1), {"key": "k" * 32, f"qty_{soap.pk}": 1}).status_code == 404
    assert books() == before


def test_it_lets_a_superuser_serve_at_any_open_shop(client, django_user_model, shop_a, a1, soap):
    client.force_login(django_user_model.objects.create_superuser("root", password=None))

    page = client.get(household_url(shop_a, a1))
    assert page.status_code == 200 and "应美凤" in page.content.decode()
    key = re.search(r'name="key" value="([^"]+)"', page.content.decode()).group(1)
    assert client.post(household_url(shop_a, a1), {"key": key, f"qty_{soap.pk}": 1}).status_code == 302
    assert Redemption.objects.filter(household=a1).count() == 1


def test_it_takes_a_shopkeeper_straight_to_the_shop(client, sam, shop_a):
    client.force_login(sam)

    assert client.get(COUNTER).url == shop_url(shop_a)


def test_it_lets_a_shopkeeper_of_two_shops_choose_one(client, sam, shop_a, shop_b, village_a):
    second = ShopFactory(village=village_a, name="二组代销点")
    second.shopkeepers.add(sam)
    client.force_login(sam)

    page = client.get(COUNTER).content.decode()

    assert shop_url(shop_a) in page and shop_url(second) in page
    assert shop_url(shop_b) not in page


# --- Finding a household -----------------------------------------------------------------------


@pytest.mark.parametrize("query", ["0001", "1", "01", "应美凤", "ymf", "YMF", " 美凤 "])
def test_it_finds_a_household_by_number_name_or_initials(at_counter, shop_a, a1, a2, b1, query):
    response = at_counter.get(shop_url(shop_a), {"q": query})

    assert response.status_code == 302
    assert response.url == household_url(shop_a, a1)


def test_it_finds_a_household_by_its_scanned_card(at_counter, shop_a, a1, a2):
    for scanned in (f"http://x/lookup/c/{a1.card_token}/", f"https://村.cn/lookup/c/{a1.card_token}", a1.card_token):
        assert at_counter.get(shop_url(shop_a), {"q": scanned}).url == household_url(shop_a, a1)


def test_it_finds_no_household_of_another_village(at_counter, shop_a, a1, b1):
    for query in ("李秀英", f"http://x/lookup/c/{b1.card_token}/", b1.card_token, "nobody"):
        response = at_counter.get(shop_url(shop_a), {"q": query})
        assert response.status_code == 200
        assert response.context["results"] == []
        assert "No household matches" in response.content.decode()


def test_it_lists_several_matches_with_their_balances(at_counter, shop_a, village_a, alice, a1, a2):
    open_household(village_a, by=alice, number="0003", head_name="王小明", opening_points=40)

    response = at_counter.get(shop_url(shop_a), {"q": "王"})

    assert [h.number for h in response.context["results"]] == ["0002", "0003"]
    page = response.content.decode()
    assert "2 households found" in page
    assert household_url(shop_a, a2) in page and "<strong>40</strong>" in page


def test_it_says_when_more_households_match_than_it_lists(at_counter, shop_a, village_a, alice):
    for _ in range(21):
        open_household(village_a, by=alice, head_name="张三")

    response = at_counter.get(shop_url(shop_a), {"q": "zs"})

    assert len(response.context["results"]) == 20
    page = response.content.decode()
    assert "More households match" in page
    assert "More than 20 households found; the first 20 are listed" in page
    assert "20 households found" not in page.replace("More than 20 households found", "")
    chinese = at_counter.get(shop_url(shop_a), {"q": "zs"}, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "找到 20 户以上" in chinese


def test_it_labels_a_product_at_zero_stock_out_of_stock(at_counter, alice, shop_a, a1, soap, oil):
    product_stocktake(product=soap, counted=0, note="盘点", by=alice)

    page = at_counter.get(household_url(shop_a, a1), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    tiles = {tile.split("</label>")[0].split(">")[-1]: tile for tile in page.split('<div class="good')[1:]}
    assert "缺货" in tiles["洗衣皂"] and "缺货" not in tiles["食用油"]


def test_it_lists_this_shops_recent_redemptions_only(at_counter, alice, shop_a, shop_b, a1, b1, soap, oil, rice):
    kept = redeem(shop_a, a1, (oil, 1))
    voided = redeem(shop_a, a1, (soap, 3))
    redemption_void(redemption=voided, reason="退货", by=alice)
    elsewhere = redeem(shop_b, b1, (rice, 1))

    response = at_counter.get(shop_url(shop_a))

    assert list(response.context["recent"]) == [voided, kept]
    page = response.content.decode()
    assert receipt_url(kept) in page and receipt_url(voided) in page
    assert elsewhere.number not in page and "李秀英" not in page
    assert page.count('class="tag void"') == 1


# --- The household page and redeeming ----------------------------------------------------------


def test_it_shows_the_household_and_the_goods_on_sale(at_counter, shop_a, alice, a1, soap, oil, rice):
    Product.objects.create(shop=shop_a, name="旧货", unit="件", price=5, active=False)
    redeem(shop_a, a1, (oil, 1))

    page = at_counter.get(household_url(shop_a, a1)).content.decode()

    for text in ("应美凤", "0001", "第一组", 'data-balance="70"', ">100<", "洗衣皂", "食用油", "瓶"):
        assert text in page, text
    assert '<span class="price num">10</span>' in page and '<span class="price num">30</span>' in page
    assert 'In stock: <span class="num">9</span>' in page
    assert "旧货" not in page and "大米" not in page


def test_it_shows_the_households_star_level_by_its_villages_scheme(at_counter, shop_a, a1):
    levels = ((1, 90), (2, 100), (3, 200))
    StarLevel.objects.bulk_create(StarLevel(village=shop_a.village, stars=s, min_score=m) for s, m in levels)

    page = at_counter.get(household_url(shop_a, a1)).content.decode()

    assert re.search(r'<span class="big stars" id="stars" title="2 stars">★★</span>', page)


def test_it_shows_no_star_below_the_first_level(at_counter, shop_a, a1):
    page = at_counter.get(household_url(shop_a, a1)).content.decode()

    assert re.search(r'id="stars" title="0 stars">—</span>', page)


def test_it_redeems_and_shows_the_receipt(at_counter, sam, shop_a, a1, soap, oil):
    response = order(at_counter, shop_a, a1, (soap, 2), (oil, 1))

    redemption = Redemption.objects.get()
    assert response.status_code == 302
    assert response.url == receipt_url(redemption)
    assert (redemption.total, redemption.shopkeeper) == (50, sam)
    a1.refresh_from_db()
    assert (a1.score, a1.balance) == (100, 50)

    page = at_counter.get(response.url).content.decode()
    when = timezone.localtime(redemption.created_at).strftime("%Y-%m-%d %H:%M")
    for text in (
        "农丰兑换超市",
        redemption.number,
        "0001 应美凤",
        "洗衣皂",
        "2 块 × 10",
        "食用油",
        "1 瓶 × 30",
        when,
        "sam",
    ):
        assert text in page, text
    assert re.search(r"Total points.*?<strong>50</strong>", page, re.S)
    assert re.search(r"Balance before</td><td class=\"num\">100<", page)
    assert re.search(r"Balance after</td><td class=\"num\">50<", page)


def test_it_shows_no_phone_number_at_the_counter_or_on_the_receipt(at_counter, shop_a, a1, soap):
    response = order(at_counter, shop_a, a1, (soap, 1))

    for address in (household_url(shop_a, a1), response.url, response.url + "?paper=a4"):
        page = at_counter.get(address).content.decode()
        assert "13812341234" not in page and "138****1234" not in page


def test_it_offers_the_receipt_on_a4_and_nothing_else(at_counter, shop_a, a1, soap):
    sale = redeem(shop_a, a1, (soap, 1))

    assert "size: A4" in at_counter.get(receipt_url(sale), {"paper": "a4"}).content.decode()
    assert "size: 58mm" in at_counter.get(receipt_url(sale)).content.decode()
    assert at_counter.get(receipt_url(sale), {"paper": "letter"}).status_code == 404


def test_it_marks_a_voided_receipt_with_the_reason(at_counter, alice, shop_a, a1, soap):
    sale = redeem(shop_a, a1, (soap, 1))
    redemption_void(redemption=sale, reason="商品有破损", by=alice)

    page = at_counter.get(receipt_url(sale)).content.decode()

    assert '<span class="tag void">voided</span> 商品有破损' in page


def test_it_makes_one_redemption_from_a_double_click(at_counter, shop_a, a1, soap):
    key = key_of(at_counter.get(household_url(shop_a, a1)))

    first = order(at_counter, shop_a, a1, (soap, 2), key=key)
    second = order(at_counter, shop_a, a1, (soap, 2), key=key)

    assert first.status_code == second.status_code == 302
    assert first.url == second.url == receipt_url(Redemption.objects.get())
    a1.refresh_from_db()
    assert a1.balance == 80


def test_it_says_on_the_receipt_when_a_resubmitted_page_made_nothing_new(at_counter, shop_a, a1, soap):
    key = key_of(at_counter.get(household_url(shop_a, a1)))
    said = "This redemption was already made when first confirmed; nothing more was taken."

    first = at_counter.get(order(at_counter, shop_a, a1, (soap, 2), key=key).url)
    again = at_counter.get(order(at_counter, shop_a, a1, (soap, 2), key=key).url)

    assert said not in first.content.decode()
    assert said in again.content.decode()


def test_it_makes_a_new_redemption_from_a_freshly_loaded_page(at_counter, shop_a, a1, soap):
    first = order(at_counter, shop_a, a1, (soap, 1))
    second = order(at_counter, shop_a, a1, (soap, 1))

    assert first.url != second.url
    assert Redemption.objects.count() == 2


def refusal(client, shop, household, *lines, **fields):
    """POST an order that must be refused on the page itself, changing nothing; return the errors."""
    before = books()
    response = order(client, shop, household, *lines, **fields)
    assert response.status_code == 200
    assert books() == before
    return str(response.context["form"].errors)


def test_it_shows_refusals_on_the_page_and_changes_nothing(at_counter, shop_a, alice, a1, soap, oil):
    assert "has 100 points to spend; 120 are needed" in refusal(at_counter, shop_a, a1, (oil, 4))
    assert "Not enough “洗衣皂” in stock: 20 left, 21 wanted" in refusal(at_counter, shop_a, a1, (soap, 21))
    assert "Choose at least one item" in refusal(at_counter, shop_a, a1, (soap, 0))
    assert "greater than or equal to 0" in refusal(at_counter, shop_a, a1, (soap, -1))
    assert "Enter a whole number" in refusal(at_counter, shop_a, a1, (soap, "两"))
    assert "form has expired" in refusal(at_counter, shop_a, a1, key="<script>", **{f"qty_{soap.pk}": 1})
    household_close(household=a1, by=alice)
    assert "0001 is closed" in refusal(at_counter, shop_a, a1, (soap, 1))


def test_it_refuses_a_price_changed_while_the_page_was_open_and_shows_the_new_one(at_counter, shop_a, a1, soap):
    page = at_counter.get(household_url(shop_a, a1))
    Product.objects.filter(pk=soap.pk).update(price=12)
    data = {"key": key_of(page), **prices_of(page), f"qty_{soap.pk}": 2}
    before = books()

    refused = at_counter.post(household_url(shop_a, a1), data)

    assert books() == before
    assert "has changed from 10 to 12 points" in refused.content.decode()
    assert prices_of(refused)[f"price_{soap.pk}"] == "12"
    # Confirmed again from the refused page, at the price it now shows.
    data.update(prices_of(refused))
    receipt = at_counter.post(household_url(shop_a, a1), data)
    assert receipt.status_code == 302
    assert Redemption.objects.get().total == 24


def test_it_shows_a_refusal_in_the_page_with_the_chosen_quantities_kept(at_counter, shop_a, a1, soap, oil):
    response = order(at_counter, shop_a, a1, (soap, 1), (oil, 4))

    page = response.content.decode()
    assert 'role="alert"' in page and "130 are needed" in page
    assert f'name="qty_{oil.pk}" id="id_qty_{oil.pk}" value="4"' in page


def test_it_names_a_product_retired_while_the_page_was_open(at_counter, shop_a, a1, soap, oil):
    key = key_of(at_counter.get(household_url(shop_a, a1)))
    Product.objects.filter(pk=oil.pk).update(active=False)

    assert "“食用油” is no longer on sale" in refusal(at_counter, shop_a, a1, (soap, 1), (oil, 1), key=key)


def test_it_disables_confirm_for_a_closed_household(at_counter, shop_a, alice, a1):
    household_close(household=a1, by=alice)

    page = at_counter.get(household_url(shop_a, a1)).content.decode()

    assert 'id="confirm" disabled' in page
    assert 'class="tag closed"' in page


# --- Pages that stay fast as the ledger grows --------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_it_runs_a_fixed_number_of_queries_whatever_the_ledger_size(at_counter, shop_a, alice, a1, a2, soap, oil):
    rule = RuleFactory(points=1)
    for household, awards in ((a1, 1), (a2, 58)):
        for _ in range(awards):
            entry_record(household=household, rule=rule, occurred_on=timezone.localdate(), by=alice)
    small = redeem(shop_a, a1, (soap, 1))
    big = redeem(shop_a, a2, (soap, 2), (oil, 1))
    assert (a1.entries.count(), a2.entries.count()) == (3, 60)

    assert count_queries(at_counter, household_url(shop_a, a1)) == count_queries(at_counter, household_url(shop_a, a2))
    assert count_queries(at_counter, receipt_url(small)) == count_queries(at_counter, receipt_url(big))
    few = count_queries(at_counter, shop_url(shop_a))
    for _ in range(8):
        redeem(shop_a, a2, (soap, 1))
    assert count_queries(at_counter, shop_url(shop_a)) == few
