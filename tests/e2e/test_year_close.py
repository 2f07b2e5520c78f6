"""A clerk closes last year for their village in a real browser: choose, preview, close, read it."""

import re

import pytest

from credits.services import entry_record
from tests.credits.ledger import last_year
from tests.e2e.conftest import CHROMIUM
from tests.e2e.test_clerk_admin import log_in
from years.models import YearClose

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}"),
    pytest.mark.django_db(transaction=True),
]


def test_a_clerk_previews_and_closes_last_year(page, shoot, live_server, alice, password, village_a, a1, a2, award):
    for _ in range(3):
        entry_record(household=a1, rule=award, occurred_on=last_year(), by=alice)
    entry_record(household=a2, rule=award, occurred_on=last_year(), by=alice)
    year = last_year().year
    log_in(page, live_server, alice, password)

    page.goto(f"{live_server.url}/admin/years/yearclose/add/")
    page.fill("#id_year", str(year))
    page.click("#xf-preview")
    expect(page.locator("#xf-preview-title")).to_contain_text(f"{year}")
    expect(page.locator("#xf-year-ranking tbody tr").first).to_contain_text("应美凤")
    expect(page.locator("#xf-year-totals")).to_contain_text("8")
    shoot("year-close-preview")

    page.check("#xf-close-form input[name=score_start][value=restart]")
    page.click("#xf-close")

    page.wait_for_url(re.compile(r"/admin/years/yearclose/\d+/change/$"))
    expect(page.locator("#xf-year-state")).to_contain_text("已于")
    expect(page.locator("#xf-year-snapshot tbody tr").first).to_contain_text("应美凤")
    shoot("year-closed")
    close = YearClose.objects.get()
    assert (close.year, close.score_start, close.households) == (year, "restart", 2)
    a1.refresh_from_db()
    assert (a1.score, a1.balance) == (100, 106)
