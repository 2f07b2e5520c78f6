"""Claims in a real browser: on a phone, a household claims 邻里互助 with a photo from its card's page;
the clerk approves it in the admin's queue, where the photo shows; the household sees the points.
Every page of the path is photographed at 390×844 and 1280×800 for a person to look at."""

import io
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image

from claims.models import Claim, Report
from claims.services import claim_submit, claimable_set
from tests.e2e.conftest import CHROMIUM, PHONE, loaded
from tests.e2e.test_clerk_admin import log_in
from tests.factories import RuleFactory

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}"),
    pytest.mark.django_db(transaction=True),
]

SHOTS = Path(os.environ.get("XIANGFENG_SHOTS", "/tmp/shots"))
LAPTOP = {"width": 1280, "height": 800}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def snap(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    for label, viewport in (("phone", PHONE), ("laptop", LAPTOP)):
        page.set_viewport_size(viewport)
        page.screenshot(path=str(SHOTS / f"claims-{name}-{label}.png"), full_page=True)
    page.set_viewport_size(size)


def _error(message) -> bool:
    # The browser's own guess at a site icon is not the page's doing.
    return message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico")


def a_photo() -> bytes:
    """A phone's photo of sacks of rice carried in: a big picture, yellow above and brown below."""
    image = Image.new("RGB", (2400, 1800), (200, 160, 40))
    image.paste((110, 80, 40), (0, 900, 2400, 1800))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def test_a_household_claims_on_a_phone_the_clerk_approves_and_the_household_sees_the_points(
    page, browser, live_server, alice, password, a1, village_a
):
    helping = RuleFactory(village=village_a, name="邻里互助", points=2, cap_per_year=12)
    claimable_set(village=village_a, keys=[helping.key], by=alice)

    phone = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE)
    villager = phone.new_page()
    refused = []
    villager.on("console", lambda message: refused.append(message.text) if _error(message) else None)
    card = f"{live_server.url}/lookup/c/{a1.card_token}/"
    villager.goto(card)
    expect(villager.locator("#lk-balance")).to_have_text("100")
    snap(villager, "record-before")
    villager.click("#lk-claim")
    villager.wait_for_url(re.compile(r"/claim/$"))
    villager.select_option("#id_rule", str(helping.pk))
    villager.fill("#id_description", "帮隔壁王阿姨把稻谷收进屋")
    villager.locator("#id_photos").set_input_files(
        [{"name": "收稻谷.jpg", "mimeType": "image/jpeg", "buffer": a_photo()}]
    )
    snap(villager, "claim-form")
    villager.click("#lk-send")
    villager.wait_for_url(re.compile(rf"/lookup/c/{a1.card_token}/#lk-claims$"))
    claim = Claim.objects.get()
    row = villager.locator(f"#lk-claim-{claim.pk}")
    expect(row).to_contain_text("等待村务管理员处理")
    assert loaded(row.locator(".xf-evidence img"))
    snap(villager, "record-pending")

    # The clerk, at the village office, finds it in the queue with its photo and approves it.
    log_in(page, live_server, alice, password)
    page.goto(f"{live_server.url}/admin/claims/claim/")
    assert loaded(page.locator(".xf-evidence img").first)
    snap(page, "queue")
    page.goto(f"{live_server.url}/admin/claims/claim/{claim.pk}/change/")
    page.click("#xf-approve")
    assert loaded(page.locator(".xf-evidence img").first)
    snap(page, "approve")
    page.click("#xf-submit")
    page.wait_for_url(re.compile(r"/admin/claims/claim/$"))
    expect(page.locator(".messagelist")).to_contain_text("已通过")

    villager.goto(card)
    expect(villager.locator("#lk-balance")).to_have_text("102")
    expect(villager.locator(f"#lk-claim-{claim.pk}")).to_contain_text("已计入积分")
    statement = villager.locator("#lk-statement .lk-entry", has_text="邻里互助")
    expect(statement).to_have_count(1)
    assert loaded(statement.locator(".xf-evidence img"))
    snap(villager, "record-approved")
    phone.close()
    assert not refused, f"the lookup page logged errors: {refused}"


def test_the_other_claims_pages_on_a_phone_and_a_laptop(page, browser, live_server, alice, password, a1, a2, award):
    """A report sent from the phone, then the clerk's pages: rejecting, the reports, the settings, the report page."""
    claimable_set(village=a1.village, keys=[award.key], by=alice)
    phone = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE)
    villager = phone.new_page()
    villager.goto(f"{live_server.url}/lookup/c/{a1.card_token}/")
    villager.click("#lk-report")
    villager.fill("#id_description", "东桥桥头堆了一堆建筑垃圾，挡住半边路")
    villager.fill("#id_place", "东桥桥头")
    villager.locator("#id_photos").set_input_files(
        [{"name": "垃圾.jpg", "mimeType": "image/jpeg", "buffer": a_photo()}]
    )
    snap(villager, "report-form")
    villager.click("#lk-send")
    villager.wait_for_url(re.compile(r"#lk-reports$"))
    expect(villager.locator("#lk-report-list")).to_contain_text("东桥桥头")
    villager.goto(f"{live_server.url}/lookup/c/{a2.card_token}/claim/")
    villager.select_option("#id_rule", str(award.pk))
    villager.fill("#id_description", "x")
    villager.fill("#id_occurred_on", "2001-01-01")
    villager.click("#lk-send")
    expect(villager.locator("#lk-errors")).to_contain_text("天内")
    snap(villager, "claim-refused")
    phone.close()

    claim = claim_submit(household=a2, rule=award, occurred_on=timezone.localdate(), description="打扫村道")
    log_in(page, live_server, alice, password)
    page.goto(f"{live_server.url}/admin/claims/claim/{claim.pk}/reject/")
    page.fill("#id_reason", "照片看不出是哪一天")
    snap(page, "reject")
    page.click("#xf-submit")
    page.wait_for_url(re.compile(r"/admin/claims/claim/$"))
    snap(page, "queue-decided")
    page.goto(f"{live_server.url}/admin/claims/report/")
    assert loaded(page.locator(".xf-evidence img").first)
    snap(page, "reports")
    page.goto(f"{live_server.url}/admin/claims/report/{Report.objects.get().pk}/handle/")
    page.fill("#id_note", "已联系保洁员清理")
    page.click("#xf-submit")
    page.wait_for_url(re.compile(r"/admin/claims/report/$"))
    page.goto(f"{live_server.url}/admin/claims/claimsettings/add/")
    expect(page.locator("#id_claimable")).to_contain_text(award.name)
    snap(page, "settings")
    page.goto(f"{live_server.url}/reports/")
    expect(page.locator("#report-claims")).to_contain_text("第二组")
    snap(page, "report-page")
