"""A villager's lookup on a phone, in a real browser: the card's link, the PIN, and the lock."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from credits.services import entry_record, entry_reverse
from exchange.services import product_restock, redemption_create, redemption_void
from households.services import household_set_pin
from tests.e2e.conftest import CHROMIUM, PHONE
from tests.factories import (
    DomainFactory,
    ProductFactory,
    RuleFactory,
    ShopFactory,
    open_household,
    version_in_force_of,
)

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}"),
    pytest.mark.django_db(transaction=True),
]

PIN = "2468"


@pytest.fixture
def history(a1, a2, alice, sam, village_a):
    """A year of a1's deeds, two visits to the shop (one voided), and neighbours to rank against."""
    version = version_in_force_of(village_a)
    civil = DomainFactory(version=version, name="乡风文明", position=2)
    green = DomainFactory(version=version, name="美丽乡村", position=3)
    volunteer = RuleFactory(village=village_a, domain=civil, name="志愿服务", points=2)
    neighbour = RuleFactory(village=village_a, domain=civil, name="邻里互助", points=2)
    litter = RuleFactory(village=village_a, domain=green, name="破坏环境", points=-5)
    today = timezone.localdate()
    notes = ["村口道路清扫", "帮助邻居抢收", "陪护孤寡老人", ""]
    for n in range(26):
        rule = (volunteer, neighbour, volunteer, litter)[n % 4]
        day = today - timedelta(days=26 - n)
        entry = entry_record(household=a1, rule=rule, occurred_on=day, by=alice, note=notes[n % 4])
    entry_reverse(entry=entry, reason="记错了户", by=alice)
    for n in range(6):
        open_household(village_a, by=alice, number=f"01{n:02d}", head_name=f"村民{n}")
    shop = ShopFactory(village=village_a, name="农丰兑换超市")
    shop.shopkeepers.add(sam)
    oil = ProductFactory(shop=shop, name="菜籽油", unit="桶", price=20)
    soap = ProductFactory(shop=shop, name="洗衣粉", unit="袋", price=5)
    for product in (oil, soap):
        product_restock(product=product, quantity=50, by=alice)
    redemption_create(shop=shop, household=a1, quantities=[(oil.pk, 1), (soap.pk, 2)], by=sam, idempotency_key="r1")
    voided = redemption_create(shop=shop, household=a1, quantities=[(soap.pk, 1)], by=sam, idempotency_key="r2")
    redemption_void(redemption=voided, reason="拿错了", by=alice)
    household_set_pin(household=a1, pin=PIN, by=alice)
    a1.refresh_from_db()
    return a1


def test_it_shows_a_villager_the_balance_from_the_card_link(page, shoot, live_server, history):
    page.set_viewport_size(PHONE)

    page.goto(f"{live_server.url}/lookup/c/{history.card_token}/")

    expect(page.locator("#lk-balance")).to_have_text(str(history.balance))
    expect(page.locator("#lk-head")).to_contain_text("应美凤")
    expect(page.locator("#lk-statement li")).to_have_count(20)
    assert "13812341234" not in page.content()
    shoot("lookup-record")

    page.click("#lk-older")
    expect(page.locator("#lk-page-number")).to_contain_text("2")
    shoot("lookup-record-page2")

    page.click("#lk-tab-redemptions")
    expect(page.locator("#lk-redemptions li")).to_have_count(2)
    expect(page.locator("#lk-redemptions")).to_contain_text("菜籽油 × 1")
    shoot("lookup-redemptions")


def test_it_opens_the_record_with_the_pin_and_leaves_it(page, shoot, live_server, history):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/lookup/?village=nongfeng")
    shoot("lookup-form")

    page.fill("#id_number", "0001")
    page.fill("#id_pin", PIN)
    page.click("#lk-submit")

    page.wait_for_url(re.compile(r"/lookup/me/$"))
    expect(page.locator("#lk-balance")).to_have_text(str(history.balance))
    shoot("lookup-me")
    page.set_viewport_size(PHONE)
    page.click("#lk-leave")
    page.wait_for_url(re.compile(r"/lookup/\?village=nongfeng$"))
    page.go_back()
    assert "应美凤" not in page.content()

    page.click("button[name=language]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#lk-submit")).to_have_text("Look up")
    shoot("lookup-form-en")


def test_it_locks_after_five_wrong_pins_and_refuses_the_right_one(page, shoot, live_server, history):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/lookup/")
    page.select_option("#id_village", "nongfeng")

    for _attempt in range(4):
        page.fill("#id_number", "0001")
        page.fill("#id_pin", "1111")
        page.click("#lk-submit")
        expect(page.locator("#lk-errors")).to_be_visible()
        lock_message = re.compile(r"\d\d:\d\d")
        expect(page.locator("#lk-errors")).not_to_have_text(lock_message)
    shoot("lookup-wrong-pin")

    page.fill("#id_number", "0001")
    page.fill("#id_pin", "1111")
    page.click("#lk-submit")
    page.fill("#id_number", "0001")
    page.fill("#id_pin", PIN)
    page.click("#lk-submit")

    expect(page.locator("#lk-errors")).to_have_text(re.compile(r"\d\d:\d\d"))
    assert "/lookup/me/" not in page.url
    shoot("lookup-locked")
