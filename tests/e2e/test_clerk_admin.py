"""A clerk's day in the admin, in a real browser: log in, find a household, record, batch."""

import re

import pytest
from django.utils import timezone

from credits.services import entry_record
from households.models import Household
from tests.e2e.conftest import CHROMIUM

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}"),
    pytest.mark.django_db(transaction=True),
]


def log_in(page, live_server, user, password):
    page.goto(f"{live_server.url}/admin/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert "登录" in page.content()
    page.fill("#id_username", user.username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")


def test_it_lets_a_clerk_record_an_award_and_see_the_score_change(
    page, shoot, live_server, alice, password, a1, a2, award, deduction
):
    entry_record(household=a1, rule=deduction, occurred_on=timezone.localdate(), by=alice, note="乱堆杂物")
    log_in(page, live_server, alice, password)

    page.goto(f"{live_server.url}/admin/households/household/")
    expect(page.locator("#result_list")).to_contain_text("应美凤")
    assert "13812341234" in page.content()  # the clerk, who keeps the roster, reads phones in full
    shoot("changelist")

    page.click(f'#result_list a[href$="/{a1.pk}/statement/"]')
    expect(page.locator("#xf-score")).to_have_text("95")
    shoot("statement")

    page.click("#xf-record")
    page.select_option("#id_rule", str(award.pk))
    page.fill("#id_note", "帮助邻居抢收")
    shoot("record-form")
    page.click("#xf-form input[type=submit]")

    page.wait_for_url(re.compile(rf"/{a1.pk}/statement/$"))
    expect(page.locator("#xf-score")).to_have_text("97")
    expect(page.locator("#xf-statement tbody tr").first).to_contain_text("帮助邻居抢收")
    a1.refresh_from_db()
    assert a1.score == 97


def test_it_lets_a_clerk_record_a_rule_for_several_households_all_or_nothing(
    page, shoot, live_server, alice, password, a1, a2, award, capped_award
):
    for _ in range(2):
        entry_record(household=a1, rule=capped_award, occurred_on=timezone.localdate(), by=alice)
    log_in(page, live_server, alice, password)
    page.goto(f"{live_server.url}/admin/households/household/")

    page.check(f'input[name="_selected_action"][value="{a1.pk}"]')
    page.check(f'input[name="_selected_action"][value="{a2.pk}"]')
    page.select_option('select[name="action"]', "record_rule")
    page.click('button[name="index"]')
    expect(page.locator("#xf-batch-households tbody tr")).to_have_count(2)
    page.select_option("#id_rule", str(capped_award.pk))
    shoot("batch")
    page.click("#xf-batch-form input[type=submit]")

    expect(page.locator("#xf-refusals li")).to_have_count(1)
    expect(page.locator("#xf-refusals")).to_contain_text("应美凤")
    shoot("batch-refused")
    assert sorted(Household.objects.values_list("score", flat=True)) == [100, 110]

    page.select_option("#id_rule", str(award.pk))
    page.click("#xf-batch-form input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/households/household/")
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert sorted(Household.objects.values_list("score", flat=True)) == [102, 112]
