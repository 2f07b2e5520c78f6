"""An organiser checks three households in by number on a phone and closes the activity; the
households' points show on the list and on their own lookup pages."""

import os
from pathlib import Path

import pytest

from activities.services import signup_create
from tests.activities.conftest import publish
from tests.e2e.conftest import CHROMIUM, PHONE
from tests.e2e.test_clerk_admin import log_in
from tests.factories import open_household

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}"),
    pytest.mark.django_db(transaction=True),
]

SHOTS = Path(os.environ.get("XIANGFENG_SHOTS", "/tmp/shots"))
LAPTOP = {"width": 1280, "height": 800}


def shoot(page, name: str) -> None:
    """The page on a phone (390x844) and a laptop (1280x800), for a person to look at; back to the phone."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for size_name, size in (("laptop", LAPTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=str(SHOTS / f"activity-{name}-{size_name}.png"), full_page=True)


def test_an_organiser_checks_in_three_households_by_number_and_closes(
    page, live_server, alice, password, village_a, award, a1, a2
):
    a3 = open_household(village_a, by=alice, number="0003", head_name="沈小梅", group="第三组")
    activity = publish(village_a, by=alice, rule=award, capacity=10)
    signup_create(activity=activity, household=a1)
    signup_create(activity=activity, household=a2)
    page.set_viewport_size(PHONE)
    log_in(page, live_server, alice, password)

    page.goto(f"{live_server.url}/activities/{activity.pk}/check-in/")
    expect(page.locator("#act-title")).to_have_text("清理河道")
    shoot(page, "check-in-empty")
    typed = (("1", "应美凤", "已签到"), ("0002", "王建国", "已签到"), ("3", "沈小梅", "现场签到"))
    for number, name, verdict in typed:
        page.fill("#act-code", number)
        page.press("#act-code", "Enter")
        expect(page.locator("#act-result")).to_contain_text(verdict)
        expect(page.locator("#act-who")).to_contain_text(name)
    shoot(page, "check-in-walk-in")
    page.fill("#act-code", "1")
    page.press("#act-code", "Enter")
    expect(page.locator("#act-result")).to_contain_text("已经签到过")
    page.fill("#act-code", "77")
    page.press("#act-code", "Enter")
    expect(page.locator("#act-result")).to_contain_text("未签到")
    shoot(page, "check-in-refused")
    expect(page.locator("#act-present")).to_have_text("3")

    page.click("text=完整名单")
    expect(page.locator("#xf-present")).to_have_text("3")
    shoot(page, "signups-open")
    page.click("#xf-close")
    expect(page.locator(".messagelist")).to_contain_text("3 户")
    expect(page.locator("#xf-activity-state")).to_have_text("已结束")
    for household in (a1, a2, a3):
        expect(page.locator(f"#xf-signup-{household.number}")).to_contain_text("+2")
    shoot(page, "signups-closed")

    page.goto(f"{live_server.url}/lookup/c/{a3.card_token}/")
    expect(page.locator("#lk-balance")).to_have_text("102")
