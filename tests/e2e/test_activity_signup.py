"""On a phone, a household opens its record by its PIN, signs up for the village's meeting, sees it
among its sign-ups, and withdraws; then by its card, the same activity is open to it again."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone

from activities.models import Signup
from households.services import household_set_pin
from tests.activities.conftest import publish
from tests.e2e.conftest import CHROMIUM, PHONE

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}"),
    pytest.mark.django_db(transaction=True),
]

SHOTS = Path(os.environ.get("XIANGFENG_SHOTS", "/tmp/shots"))
LAPTOP = {"width": 1280, "height": 800}
PIN = "2468"


def shoot(page, name: str) -> None:
    """The page on a laptop (1280x800) and a phone (390x844), for a person to look at; back to the phone."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for size_name, size in (("laptop", LAPTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=str(SHOTS / f"activity-signup-{name}-{size_name}.png"), full_page=True)


def test_a_household_signs_up_on_its_phone_and_withdraws(page, live_server, alice, village_a, award, a1):
    day = timezone.localdate() + dt.timedelta(days=2)
    meeting = publish(
        village_a, by=alice, rule=award, title="村民议事会", place="村委会二楼", held_on=day,
        starts_at=dt.time(19, 0), capacity=10,
        signup_until=timezone.make_aware(dt.datetime.combine(day - dt.timedelta(days=1), dt.time(18, 0))),
    )  # fmt: skip
    household_set_pin(household=a1, pin=PIN, by=alice)
    page.set_viewport_size(PHONE)

    page.goto(f"{live_server.url}/lookup/?village={village_a.code}")
    page.fill("#id_number", a1.number)
    page.fill("#id_pin", PIN)
    page.click("#lk-submit")
    activity = page.locator(f"#lk-activity-{meeting.pk}")
    expect(activity).to_contain_text("村民议事会")
    expect(activity).to_contain_text("还剩 10 个名额")
    shoot(page, "open")

    page.click(f"#lk-signup-{meeting.pk}")
    expect(page.locator(".messages")).to_contain_text("已报名“村民议事会”")
    expect(activity).to_contain_text("已报名")
    expect(activity).to_contain_text("还剩 9 个名额")
    mine = page.locator(f"#lk-signup-row-{meeting.pk}")
    expect(mine).to_contain_text("村民议事会")
    expect(mine).to_contain_text("已报名")
    assert Signup.objects.get().household == a1
    shoot(page, "signed-up")

    page.click(f"#lk-withdraw-{meeting.pk}")
    expect(page.locator(".messages")).to_contain_text("已取消报名“村民议事会”")
    expect(page.locator(f"#lk-signup-row-{meeting.pk}")).to_have_count(0)
    expect(page.locator(f"#lk-signup-{meeting.pk}")).to_be_visible()
    assert not Signup.objects.exists()

    # The household's card opens the same record, where the activity is open to it again.
    page.goto(f"{live_server.url}/lookup/c/{a1.card_token}/")
    page.click(f"#lk-signup-{meeting.pk}")
    expect(page.locator(f"#lk-signup-row-{meeting.pk}")).to_contain_text("已报名")
    assert Signup.objects.get().household == a1
