"""The first hour of each kind of user, in a real browser set to Chinese: every page they reach
speaks Chinese (a few proper nouns allowed), and none is a dead end or Django's own English page."""

import re

import pytest
from django.utils import timezone

from credits.services import entry_record
from exchange.services import product_restock
from households.services import household_set_pin
from tests.e2e.conftest import CHROMIUM, PHONE
from tests.factories import ProductFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}"),
    pytest.mark.django_db(transaction=True),
]

# Words a Chinese page may still show: the language switch, acronyms, and the test world's own
# usernames and village codes (staff without a full name are greeted by their username, which
# the admin writes in capitals).
ALLOWED = {"English", "API", "PIN", "QR", "CSV", "Excel", "ymf", "alice", "olivia", "sam", "nongfeng", "yongfeng"}
PIN = "2468"


def english_in(page) -> set[str]:
    """Latin words on the page, leaving out codes shown as codes (a ledger fingerprint's letters)."""
    text = page.locator("body").inner_text()
    for code in page.locator("code").all_inner_texts():
        text = text.replace(code, " ")
    return {word for word in re.findall(r"[A-Za-z]{2,}", text) if word not in ALLOWED and word.lower() not in ALLOWED}


def here(page) -> dict[str, set[str]]:
    words = english_in(page)
    return {page.url: words} if words else {}


def walk(page, live_server, paths) -> dict[str, set[str]]:
    """Open each page; what English each showed, for those that showed any."""
    found = {}
    for path in paths:
        page.goto(f"{live_server.url}{path}")
        assert page.locator("html").get_attribute("lang") == "zh-hans", path
        found |= here(page)
    return found


def log_in(page, live_server, user, password, then):
    page.goto(f"{live_server.url}/accounts/login/?next={then}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", password)
    page.click("button.btn")
    page.wait_for_url(re.compile(re.escape(then)))


@pytest.fixture
def goods(shop_a, alice):
    soap = ProductFactory(shop=shop_a, name="洗衣皂", unit="块", price=10)
    product_restock(product=soap, quantity=20, by=alice, note="进货")
    ProductFactory(shop=shop_a, name="食用油", unit="瓶", price=30)  # none in stock: 缺货
    return soap


def test_a_villager_on_a_phone_reads_chinese_only(page, live_server, a1, alice, award):
    entry_record(household=a1, rule=award, occurred_on=timezone.localdate(), by=alice, note="清洁家园")
    household_set_pin(household=a1, pin=PIN, by=alice)
    page.set_viewport_size(PHONE)

    found = walk(page, live_server, ["/", "/lookup/", "/board/nongfeng/", "/0000/"])
    page.goto(f"{live_server.url}/lookup/?village=nongfeng")
    page.fill("#id_number", "1")  # the number as it reads without its zeros
    page.fill("#id_pin", PIN)
    page.click("#lk-submit")
    page.wait_for_url(re.compile(r"/lookup/me/$"))
    found |= walk(page, live_server, ["/lookup/me/", "/lookup/me/?show=redemptions"])

    assert not found, found


def test_a_shopkeeper_finds_redeems_and_prints_in_chinese(page, live_server, sam, password, shop_a, a1, goods):
    log_in(page, live_server, sam, password, "/counter/")
    page.fill("input[name=q]", "1")
    page.press("input[name=q]", "Enter")
    page.wait_for_url(re.compile(rf"/counter/{shop_a.pk}/h/{a1.pk}/$"))
    assert "缺货" in page.content()
    found = here(page)
    page.fill(f"input[name=qty_{goods.pk}]", "2")
    page.click("#confirm")
    page.wait_for_url(re.compile(r"/r/\d+/$"))
    found |= here(page)
    page.goto(f"{live_server.url}/admin/")
    page.wait_for_url(re.compile(rf"/counter/{shop_a.pk}/$"))  # the admin sends her to the counter
    found |= walk(page, live_server, [f"/counter/{shop_a.pk}/?q=张", "/"])

    assert not found, found


def test_a_clerk_finds_the_admin_and_is_told_the_counter_is_not_hers(page, live_server, alice, password, a1, a2):
    log_in(page, live_server, alice, password, "/admin/")

    found = walk(
        page,
        live_server,
        [
            "/admin/",
            "/admin/households/household/",
            f"/admin/households/household/{a1.pk}/statement/",
            f"/admin/households/household/{a1.pk}/change/",
            "/admin/credits/entry/",
            "/counter/",
            "/reports/",
        ],
    )

    assert not found, found
    page.goto(f"{live_server.url}/counter/")
    assert "只有超市管理员才能使用兑换柜台" in page.content()


def test_a_town_officer_reads_the_town_without_dead_links(page, live_server, olivia, password, a1, b1, shop_a, goods):
    log_in(page, live_server, olivia, password, "/admin/")

    found = walk(
        page,
        live_server,
        [
            "/admin/",
            "/admin/households/household/",
            f"/admin/households/household/{a1.pk}/change/",
            "/admin/exchange/product/",
            "/reports/",
        ],
    )

    assert not found, found
    page.goto(f"{live_server.url}/admin/households/household/{a1.pk}/change/")
    assert "138****1234" in page.content() and "13812341234" not in page.content()
    page.goto(f"{live_server.url}/admin/exchange/product/")
    assert "/restock/" not in page.content() and "/stocktake/" not in page.content()
