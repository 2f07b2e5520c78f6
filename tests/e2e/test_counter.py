"""A shopkeeper's sale at the counter, in a real browser on a 10-inch tablet: log in, scan a card,
choose goods, confirm, print; then the back button and a double submit must not sell twice.

Elements are found by id, name and role, never by English text: the browser asks for Chinese.
"""

import re

import pytest

from exchange.models import Redemption
from exchange.services import product_restock
from tests.e2e.conftest import CHROMIUM, SHOTS
from tests.factories import ProductFactory

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}"),
    pytest.mark.django_db(transaction=True),
]

TABLET = {"width": 1280, "height": 800}
PHONE_LANDSCAPE = {"width": 844, "height": 390}


@pytest.fixture
def shop(shop_a):
    return shop_a


@pytest.fixture
def goods(shop, alice):
    """Six goods, as a real shelf has, so the tiles wrap; the last one sold out."""
    shelf = [("洗衣皂", "块", 10, 20), ("食用油", "瓶", 30, 10), ("大米", "袋", 50, 8), ("毛巾", "条", 15, 3)]
    shelf += [("酱油", "瓶", 12, 12), ("雨伞", "把", 40, 0)]
    products = []
    for position, (name, unit, price, stock) in enumerate(shelf):
        product = ProductFactory(shop=shop, name=name, unit=unit, price=price, position=position)
        if stock:
            product_restock(product=product, quantity=stock, by=alice)
        products.append(product)
    return products


@pytest.fixture
def tablet(page, shoot):
    """The page on a 10-inch tablet; `snap(name)` saves it at four sizes for a person to look at."""
    page.set_viewport_size(TABLET)

    def snap(name: str) -> None:
        shoot(f"counter-{name}")
        for size_name, size in (("tablet", TABLET), ("phone-landscape", PHONE_LANDSCAPE)):
            page.set_viewport_size(size)
            page.screenshot(path=str(SHOTS / f"counter-{name}-{size_name}.png"), full_page=True)
        page.set_viewport_size(TABLET)

    page.snap = snap
    return page


def log_in(page, live_server, user, password):
    page.goto(f"{live_server.url}/accounts/login/?next=/counter/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.fill("#id_username", user.username)
    page.fill("#id_password", password)
    page.press("#id_password", "Enter")


def choose(page, product, times: int) -> None:
    for _ in range(times):
        page.locator(f".good:has(#id_qty_{product.pk}) button.inc").click()


def test_it_sells_once_from_a_scanned_card_despite_back_and_double_submits(
    tablet, live_server, sam, password, shop, goods, a1, a2
):
    page = tablet
    soap, oil = goods[0], goods[1]
    log_in(page, live_server, sam, password)

    # The counter opens on the search box, focused, so a card scanner can type into it at once.
    page.wait_for_url(f"{live_server.url}/counter/{shop.pk}/")
    # The URL changes before the page is parsed: wait for the focus rather than read it at once.
    expect(page.locator("input[name=q]")).to_be_focused()
    page.snap("search")
    page.keyboard.type(f"http://x/lookup/c/{a1.card_token}/")
    page.keyboard.press("Enter")

    page.wait_for_url(f"{live_server.url}/counter/{shop.pk}/h/{a1.pk}/")
    expect(page.locator("#balance")).to_have_text("100")
    choose(page, soap, 2)
    choose(page, oil, 1)
    expect(page.locator("#total")).to_have_text("50")
    expect(page.locator("#confirm")).to_be_enabled()
    key = page.locator("input[name=key]").input_value()
    page.snap("household")

    page.click("#confirm")
    page.wait_for_url(re.compile(rf"/counter/{shop.pk}/r/\d+/$"))
    receipt_url = page.url
    (redemption,) = Redemption.objects.all()
    assert redemption.total == 50
    expect(page.locator(".receipt")).to_contain_text(redemption.number)
    expect(page.locator(".receipt")).to_contain_text("50")
    page.snap("receipt")

    # Back to the household page, fetched afresh: it must still carry the same key, so confirming
    # again shows the same receipt instead of selling twice.
    page.go_back()
    page.wait_for_url(f"{live_server.url}/counter/{shop.pk}/h/{a1.pk}/")
    expect(page.locator("input[name=key]")).to_have_value(key)
    expect(page.locator("#total")).to_have_text("50")
    page.click("#confirm")
    page.wait_for_url(receipt_url)
    assert Redemption.objects.count() == 1

    page.goto(f"{receipt_url}?paper=a4")
    page.snap("receipt-a4")
    page.emulate_media(media="print")
    page.screenshot(path=str(SHOTS / "counter-receipt-a4-print.png"), full_page=True)
    page.goto(receipt_url)
    page.screenshot(path=str(SHOTS / "counter-receipt-print.png"), full_page=True)
    page.emulate_media(media="screen")

    # A double tap on a fresh page for another household: two submits, one redemption.
    page.goto(f"{live_server.url}/counter/{shop.pk}/h/{a2.pk}/")
    choose(page, soap, 1)
    urls = page.evaluate(
        """async () => {
            const form = document.getElementById("redeem");
            const send = () => fetch(form.action || location.href, {method: "POST", body: new FormData(form)});
            const responses = await Promise.all([send(), send()]);
            return responses.map((response) => response.url);
        }"""
    )
    assert Redemption.objects.count() == 2
    second = Redemption.objects.get(household=a2)
    assert urls == [f"{live_server.url}/counter/{shop.pk}/r/{second.pk}/"] * 2
    page.evaluate(
        "() => { const form = document.getElementById('redeem'); form.requestSubmit(); form.requestSubmit(); }"
    )
    page.wait_for_url(re.compile(rf"/counter/{shop.pk}/r/{second.pk}/$"))
    assert Redemption.objects.count() == 2
    a1.refresh_from_db()
    a2.refresh_from_db()
    assert (a1.balance, a2.balance) == (50, 90)

    # Both sales among the shop's recent redemptions, under a search listing both households.
    page.goto(f"{live_server.url}/counter/{shop.pk}/?q=000")
    expect(page.locator(".results a")).to_have_count(2)
    expect(page.locator("table.list tbody tr")).to_have_count(2)
    page.snap("results")
