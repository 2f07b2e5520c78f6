"""Evidence in a real browser, on a phone: the clerk records a deduction with a photo taken in the
admin, and the villager opens the household's card and sees the photo under that deduction."""

import io
import os
import re
from pathlib import Path

import pytest
from PIL import Image

from credits.models import Entry
from tests.e2e.conftest import CHROMIUM, PHONE, loaded
from tests.e2e.test_clerk_admin import log_in
from tests.evidence.conftest import straight  # noqa: F401 (a fixture: the village records deductions at once)

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
    """The page as it looks on a phone and on a laptop, for a person to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    for label, viewport in (("phone", PHONE), ("laptop", LAPTOP)):
        page.set_viewport_size(viewport)
        page.screenshot(path=str(SHOTS / f"evidence-{name}-{label}.png"), full_page=True)
    page.set_viewport_size(size)


def a_photo() -> bytes:
    """A phone's photo of a heap of rubbish: a big picture with a red and a grey half."""
    image = Image.new("RGB", (2400, 1800), (120, 120, 120))
    image.paste((190, 60, 40), (0, 0, 1200, 1800))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


@pytest.mark.usefixtures("straight")
def test_a_deduction_recorded_with_a_photo_on_a_phone_shows_on_the_villagers_lookup(
    page, browser, live_server, alice, password, a1, deduction
):
    page.set_viewport_size(PHONE)
    log_in(page, live_server, alice, password)

    page.goto(f"{live_server.url}/admin/households/household/{a1.pk}/record/")
    camera = page.locator("#id_evidence")
    assert camera.get_attribute("capture") == "environment"
    assert camera.get_attribute("accept") == "image/*,application/pdf"
    page.select_option("#id_rule", str(deduction.pk))
    page.fill("#id_note", "村口乱倒建筑垃圾")
    camera.set_input_files([{"name": "现场.jpg", "mimeType": "image/jpeg", "buffer": a_photo()}])
    snap(page, "record-form")
    page.click("#xf-form input[type=submit]")
    page.wait_for_url(re.compile(rf"/{a1.pk}/statement/$"))

    entry = Entry.objects.get(household=a1, kind="deduction")
    evidence = entry.evidence.get()
    page.goto(f"{live_server.url}/admin/credits/entry/{entry.pk}/change/")
    thumbnail = page.locator(".xf-evidence img")
    expect(thumbnail).to_have_count(1)
    assert loaded(thumbnail)
    snap(page, "entry-admin")

    # The villager, on their own phone, opens the household card's link.
    phone = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE)
    villager = phone.new_page()
    refused = []
    villager.on("console", lambda message: refused.append(message.text) if message.type == "error" else None)
    villager.goto(f"{live_server.url}/lookup/c/{a1.card_token}/")
    row = villager.locator(".lk-entry", has_text="村口乱倒建筑垃圾")
    photo = row.locator(".xf-evidence img")
    expect(photo).to_have_count(1)
    assert loaded(photo)
    snap(villager, "lookup")
    with villager.expect_popup() as opened:
        row.locator(".xf-evidence a").click()
    shown = opened.value
    shown.wait_for_load_state()
    assert shown.url.endswith(evidence.get_absolute_url())
    assert loaded(shown.locator("img"))

    # The same link in a browser that never opened the card shows nothing.
    stranger = browser.new_context(viewport=PHONE).new_page()
    assert stranger.goto(f"{live_server.url}{evidence.get_absolute_url()}").status == 404
    stranger.context.close()
    phone.close()
    assert not refused, f"the lookup page logged errors: {refused}"
