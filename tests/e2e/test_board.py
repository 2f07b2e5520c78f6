"""The village board on the hall's TV (1920×1080) and on a phone; a clerk's village page with its inlines."""

import datetime

import pytest
from django.utils import timezone

from credits.services import entry_adjust, entry_record
from households.models import StarLevel
from public.models import BoardSettings
from tests.e2e.conftest import CHROMIUM, PHONE, SHOTS
from tests.factories import RuleFactory, open_household
from titles.models import Level, Title

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}"),
    pytest.mark.django_db(transaction=True),
]

TV = {"width": 1920, "height": 1080}
NAMES = "王建国 应美凤 欧阳秀英 李秀英 张卫东 陈小红 刘德明 周桂芳 吴志强 郑淑珍 孙立新 赵春梅".split()
YEAR_POINTS = [52, 40, 40, 33, 27, 21, 18, 12, 9, 5, 3, 1]
RULES = ["邻里互助", "志愿服务", "孝老爱亲", "垃圾分类示范户", "移风易俗", "村民议事"]


@pytest.fixture
def busy_village(village_a, alice):
    """A village with a full red list, star households, a week of awards and a few deductions."""
    rules = [RuleFactory(name=name, points=points) for name, points in zip(RULES, (2, 3, 5, 2, 10, 1), strict=True)]
    litter = RuleFactory(name="乱倒垃圾", points=-5)
    today = timezone.localdate()
    for n, name in enumerate(NAMES):
        household = open_household(village_a, by=alice, number=f"{n + 1:04d}", head_name=name)
        entry_adjust(household=household, points=YEAR_POINTS[n], reason="年度", by=alice)
        for day in range(n % 4 + 1):
            rule = rules[(n + day) % len(rules)]
            entry_record(household=household, rule=rule, occurred_on=today - datetime.timedelta(days=day), by=alice)
        if n % 5 == 4:
            day = today - datetime.timedelta(days=n % 3)
            entry_record(household=household, rule=litter, occurred_on=day, by=alice)
    return village_a


def test_it_shows_the_board_on_the_halls_tv_and_on_a_phone(page, live_server, busy_village):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(TV)
    page.goto(f"{live_server.url}/board/{busy_village.code}/")
    page.screenshot(path=str(SHOTS / "board-tv.png"))

    expect(page.locator("#red-list tbody tr")).to_have_count(10)
    expect(page.locator("#red-list tbody tr").first).to_contain_text("欧阳×")
    expect(page.locator("#recent-awards tbody tr")).to_have_count(15)
    expect(page.locator("#star-counts tbody tr")).to_have_count(5)
    assert "王建国" not in page.content()
    # The TV shows it all on one screen: nothing scrolls, nothing is cut off at the bottom.
    assert page.evaluate("document.documentElement.scrollHeight") <= TV["height"]
    last_row = page.locator("#recent-awards tbody tr").last.bounding_box()
    assert last_row["y"] + last_row["height"] <= TV["height"]
    # A list longer than its panel shows the rows that fit whole, never half a row at the bottom.
    assert rows_cut_off(page) == []
    # Readable across the room: the red list's names stand at least ~40px high on the TV.
    name_size = page.locator("#red-list td.who b").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert name_size >= 40

    # A laptop's 16:10 screen is narrower for the same heights: the red list still shows each
    # household's number whole (it was cut to "0…" at 1280×800).
    page.set_viewport_size({"width": 1280, "height": 800})
    page.screenshot(path=str(SHOTS / "board-laptop.png"))
    cut = page.locator("#red-list td.who").evaluate_all("cells => cells.filter(c => c.scrollWidth > c.clientWidth)")
    assert cut == []

    page.set_viewport_size(PHONE)
    expect(page.locator("#red-list")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(SHOTS / "board-phone.png"), full_page=True)


def test_it_shows_only_whole_rows_when_the_titles_crowd_the_recent_awards(page, live_server, busy_village, alice):
    """The recent awards and last year's titled households share a column: together longer than the TV,
    each panel shows the rows it has room for whole, and on a phone every row."""
    last_year = timezone.localdate().year - 1
    # Written directly: the selection that awards titles is not what this page is about.
    Title.objects.bulk_create(
        Title(household=household, village=busy_village, year=last_year, level=Level.VILLAGE, number=household.number,
              head_name=household.head_name, stars=5, awarded_by=alice, awarded_at=timezone.now())
        for household in busy_village.households.all()
    )  # fmt: skip
    page.set_viewport_size(TV)
    page.goto(f"{live_server.url}/board/{busy_village.code}/")

    expect(page.locator("#board-titles tbody tr")).to_have_count(len(NAMES))
    assert page.locator("#board-titles tbody tr:visible").count() < len(NAMES)
    assert rows_cut_off(page) == []
    page.set_viewport_size(PHONE)
    expect(page.locator("#board-titles tbody tr:visible")).to_have_count(len(NAMES))
    expect(page.locator("#recent-awards tbody tr:visible")).to_have_count(15)


def test_it_shows_the_black_list_on_the_tv_when_the_village_switched_it_on(page, live_server, busy_village):
    BoardSettings.objects.create(village=busy_village, show_black_list=True)
    StarLevel.objects.bulk_create(
        StarLevel(village=busy_village, stars=s, min_score=100 + 5 * s) for s in range(1, 10)
    )
    page.set_viewport_size(TV)
    page.goto(f"{live_server.url}/board/{busy_village.code}/")

    expect(page.locator("#deductions tbody tr")).to_have_count(2)
    expect(page.locator("#star-counts tbody tr")).to_have_count(9)
    assert page.evaluate("document.documentElement.scrollHeight") <= TV["height"]
    page.screenshot(path=str(SHOTS / "board-tv-black-list.png"))


def test_it_shows_an_empty_board_kindly(page, live_server, village_a, a1):
    page.set_viewport_size(TV)
    page.goto(f"{live_server.url}/board/{village_a.code}/")

    expect(page.locator(".board-red .empty")).to_be_visible()
    page.screenshot(path=str(SHOTS / "board-tv-empty.png"))
    page.click(".lang button")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".board-red h2")).to_contain_text("Red list")
    page.screenshot(path=str(SHOTS / "board-tv-empty-en.png"))


def test_it_lets_a_clerk_set_star_levels_on_the_village_page(page, live_server, alice, password, village_a):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", alice.username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/households/village/{village_a.pk}/change/")
    expect(page.locator("#xf-star-defaults")).to_be_visible()
    page.screenshot(path=str(SHOTS / "board-village-admin-empty.png"), full_page=True)

    for stars, min_score in ((1, 105), (2, 125), (3, 125)):
        page.click("#star_levels-group .add-row a")
        row = stars - 1
        page.fill(f"#id_star_levels-{row}-stars", str(stars))
        page.fill(f"#id_star_levels-{row}-min_score", str(min_score))
    page.click("input[name=_continue]")
    expect(page.locator("#star_levels-group .errorlist")).to_contain_text("3★")
    page.screenshot(path=str(SHOTS / "board-village-admin-error.png"), full_page=True)

    page.fill("#id_star_levels-2-min_score", "160")
    page.check("#id_board_settings-0-show_black_list")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert list(village_a.star_levels.values_list("stars", "min_score")) == [(1, 105), (2, 125), (3, 160)]
    assert BoardSettings.objects.get(village=village_a).show_black_list
    page.screenshot(path=str(SHOTS / "board-village-admin.png"), full_page=True)


def rows_cut_off(page) -> list[str]:
    """The rows shown in part only: their bottom below their panel's."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.board .panel')).flatMap(panel => {
            const bottom = panel.getBoundingClientRect().bottom;
            return Array.from(panel.querySelectorAll('tbody tr'))
                .filter(row => !row.hidden && row.getBoundingClientRect().bottom > bottom + 1)
                .map(row => row.textContent.trim());
        })"""
    )
