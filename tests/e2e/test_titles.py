"""Star households selected in a browser: the clerk selects and publishes last year's titles for a
closed year, awards them after the notice and nominates two to the town; the town's officer selects
one; the household's phone shows its titles; the certificate prints on one A4 page."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from credits.services import entry_record
from tests.credits.ledger import last_year, today
from tests.e2e.conftest import CHROMIUM, PHONE
from tests.e2e.test_clerk_admin import log_in
from tests.factories import RuleFactory, open_household
from titles.models import Level, Quota, Selection, Title
from years.services import year_close

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def closed_year(village_a, alice, a1, a2, award, county, town):
    """Last year a1 earned 6 points, a2 4, a3 8 with a wedding deduction under 红白事大操大办; closed."""
    wedding = RuleFactory(village=village_a, name="红白事大操大办", points=-20)
    a3 = open_household(village_a, by=alice, number="0003", head_name="陈小红")
    for household, times in ((a1, 3), (a2, 2), (a3, 14)):
        for _ in range(times):
            entry_record(household=household, rule=award, occurred_on=last_year(), by=alice)
    entry_record(household=a3, rule=wedding, occurred_on=last_year(), by=alice)
    year = last_year().year
    year_close(village=village_a, year=year, by=alice)
    Quota.objects.create(town=town, year=year, places=1)
    return year


def test_a_clerk_selects_the_titles_the_town_picks_one_and_the_household_sees_it(
    page, shoot, browser, live_server, alice, olivia, password, village_a, a1, closed_year
):
    log_in(page, live_server, alice, password)
    page.goto(f"{live_server.url}/admin/titles/selection/add/")
    page.select_option("#id_village", str(village_a.pk))
    page.fill("#id_year", str(closed_year))
    page.click("#xf-start")
    expect(page.locator("#xf-candidates")).to_contain_text("应美凤")
    expect(page.locator("#xf-candidates")).not_to_contain_text("陈小红")  # vetoed
    expect(page.locator("#xf-sel-conditions-shown")).to_contain_text("红白事大操大办")
    shoot("titles-selection-draft")

    page.click("#xf-confirm")
    page.fill("#id_notice_until", today().isoformat())
    page.click("#xf-publish")
    expect(page.locator("#xf-sel-state")).to_contain_text("公示中")
    page.goto(f"{live_server.url}/board/nongfeng/")
    expect(page.locator("#board-candidates")).to_contain_text("0001")
    shoot("titles-board-notice")

    # The notice runs through its last day; a week later the clerk comes back to award.
    Selection.objects.update(notice_until=today() - timedelta(days=1))
    page.goto(f"{live_server.url}/admin/titles/selection/{Selection.objects.get().pk}/change/")
    page.click("#xf-award")
    expect(page.locator("#xf-titles")).to_contain_text("王建国")
    page.check("#xf-nominate-0001")
    page.check("#xf-nominate-0002")
    page.click("#xf-nominate")
    expect(page.locator("#xf-titles")).to_contain_text("已推荐")
    shoot("titles-selection-awarded")

    page.context.clear_cookies()
    log_in(page, live_server, olivia, password)
    page.goto(f"{live_server.url}/admin/titles/nomination/")
    expect(page.locator(".xf-quota")).to_contain_text("0")
    page.click("#xf-select-nongfeng-0001")
    expect(page.locator(".messagelist")).to_contain_text("应美凤")
    # The quota of one is used up: the other nominee's button is off, and the caption says so.
    expect(page.locator("#xf-select-nongfeng-0002")).to_be_disabled()
    expect(page.locator(".xf-quota-full")).to_contain_text("名额")
    shoot("titles-nominees")
    assert list(Title.objects.filter(level=Level.TOWN).values_list("number", flat=True)) == ["0001"]

    phone = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE)
    lookup = phone.new_page()
    lookup.goto(f"{live_server.url}/lookup/c/{a1.card_token}/")
    titles = lookup.locator("#household-titles")
    expect(titles).to_contain_text(f"{closed_year}")
    expect(titles).to_contain_text("镇级")
    expect(titles).to_contain_text("村级")
    assert lookup.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.close()

    page.context.clear_cookies()
    log_in(page, live_server, alice, password)
    village_title = Title.objects.get(level=Level.VILLAGE, number="0001")
    page.goto(f"{live_server.url}/admin/titles/title/{village_title.pk}/certificate/?size=a4")
    expect(page.locator("#xf-certificate")).to_contain_text("农丰村")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1
    page.goto(f"{live_server.url}/admin/titles/title/{village_title.pk}/certificate/?size=a5")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1


def test_the_list_of_titles_keeps_one_line_a_title_on_a_phone(
    page, shoot, live_server, alice, password, village_a, award, closed_year
):
    """Nine named stars each: on a phone they are left out, on a desktop they wrap in a column wide enough."""
    from titles.models import NamedStar
    from titles.services import selection_award, selection_confirm, selection_create, selection_publish

    for position, name in enumerate(
        ["守法星", "诚信星", "孝老星", "卫生星", "节俭星", "移风易俗星", "平安星", "热心星", "美丽星"]
    ):
        star = NamedStar.objects.create(village=village_a, name=name, position=position, condition="rule_uses", n=1)
        star.rules.add(award)
    selection = selection_create(village=village_a, year=closed_year, by=alice)
    selection_confirm(selection=selection, by=alice)
    selection_publish(selection=selection, by=alice, notice_until=today())
    selection_award(selection=selection, by=alice, at=timezone.now() + timedelta(days=2))
    log_in(page, live_server, alice, password)

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/admin/titles/title/")
    rows = page.locator("#result_list tbody tr")
    expect(rows.first).to_be_visible()
    heights = [box["height"] for box in (rows.nth(i).bounding_box() for i in range(rows.count()))]
    assert rows.count() >= 2 and max(heights) < 60, heights
    shoot("titles-list")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/admin/titles/title/")
    assert "移风易俗星" in page.locator("#result_list tbody tr").first.inner_text()
    assert page.locator("#result_list tbody tr").first.bounding_box()["height"] < 100
