"""A clerk adopts a new version of the village's rules in the admin and records under it; the
villager's printed catalogue shows the new version."""

import re

import pytest
from django.utils import timezone

from credits.models import CatalogueVersion
from tests.e2e.conftest import CHROMIUM
from tests.e2e.test_clerk_admin import log_in

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}"),
    pytest.mark.django_db(transaction=True),
]


def test_it_adopts_a_new_version_records_under_it_and_publishes_it(
    page, shoot, live_server, alice, password, a1, award
):
    catalogue = award.version.catalogue
    log_in(page, live_server, alice, password)

    page.goto(f"{live_server.url}/admin/credits/catalogue/")
    page.check(f'#result_list input[value="{catalogue.pk}"]')
    page.select_option('select[name="action"]', "start_version")
    page.click('button[name="index"]')
    expect(page.locator(".messagelist")).to_contain_text("v2")
    draft = CatalogueVersion.objects.get(catalogue=catalogue, number=2)
    changed = draft.rules.get(key=award.key)

    page.goto(f"{live_server.url}/admin/credits/rule/{changed.pk}/change/")
    page.fill("#id_points", "3")
    page.click('input[name="_save"]')
    expect(page.locator(".messagelist")).to_be_visible()

    today = timezone.localdate().isoformat()
    page.goto(f"{live_server.url}/admin/credits/catalogueversion/{draft.pk}/change/")
    page.fill("#id_meeting", "2026年村民代表大会")
    page.fill("#id_adopted_on", today)
    page.fill("#id_effective_from", today)
    shoot("catalogue-adopt")
    page.click('input[name="_save"]')
    expect(page.locator(".messagelist")).to_be_visible()
    draft.refresh_from_db()
    assert draft.adopted

    page.goto(f"{live_server.url}/admin/households/household/{a1.pk}/statement/")
    page.click("#xf-record")
    page.select_option("#id_rule", str(changed.pk))
    page.click("#xf-form input[type=submit]")
    page.wait_for_url(re.compile(rf"/{a1.pk}/statement/$"))
    expect(page.locator("#xf-score")).to_have_text("103")

    page.goto(f"{live_server.url}/lookup/rules/{a1.village.code}/")
    expect(page.locator("#rl-version")).to_contain_text("第 2 版")
    expect(page.locator(".rl-rule", has_text=award.name)).to_contain_text("+3")
    page.emulate_media(media="print")
    expect(page.locator("[data-print]")).to_be_hidden()
    shoot("village-rules")


def test_it_adopts_a_version_with_its_scanned_minutes_and_the_villager_opens_them(
    page, shoot, live_server, alice, password, award, draft, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    log_in(page, live_server, alice, password)
    today = timezone.localdate().isoformat()

    page.goto(f"{live_server.url}/admin/credits/catalogueversion/{draft.pk}/change/")
    page.fill("#id_meeting", "2026年村民代表大会")
    page.fill("#id_adopted_on", today)
    page.fill("#id_effective_from", today)
    scan = {"name": "会议记录.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}
    page.set_input_files("#id_minutes_file", files=[scan])
    shoot("catalogue-adopt-with-minutes")
    page.click('input[name="_save"]')
    expect(page.locator(".messagelist")).to_be_visible()

    page.goto(f"{live_server.url}/admin/credits/catalogueversion/{draft.pk}/change/")
    link = page.locator("#xf-minutes")
    expect(link).to_have_text("查看会议记录")
    shoot("catalogue-version-minutes")

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/lookup/rules/{award.version.catalogue.village.code}/")
    expect(page.locator("#rl-minutes a")).to_have_text("通过本版的会议记录（扫描件）")
    shoot("village-rules-minutes")
    response = page.request.get(live_server.url + page.locator("#rl-minutes a").get_attribute("href"))
    assert response.status == 200 and response.body().startswith(b"%PDF-")
