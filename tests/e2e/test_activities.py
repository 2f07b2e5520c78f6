"""An organiser checks three households in by number on a phone and closes the activity; the
households' points show on the list and on their own lookup pages."""

import os
from pathlib import Path

import pytest

from activities.services import signup_create
from tests.activities.conftest import publish
from tests.e2e.conftest import CHROMIUM, PHONE, _is_policy_error
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


def qr_video(path: Path, text: str) -> Path:
    """A few frames of a camera looking at a QR code (Y4M, as Chromium's fake camera plays it)."""
    import segno

    width, height, scale = 640, 480, 8
    matrix = segno.make(text, error="m", micro=False).matrix
    luma = bytearray([235]) * (width * height)  # white paper
    side = len(matrix) * scale
    left, top = (width - side) // 2, (height - side) // 2
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                for dy in range(scale):
                    start = (top + y * scale + dy) * width + left + x * scale
                    luma[start : start + scale] = bytes([16]) * scale
    chroma = bytes([128]) * (width * height // 4)
    frame = b"FRAME\n" + bytes(luma) + chroma + chroma
    path.write_bytes(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode() + frame * 5)
    return path


def test_the_phones_camera_reads_a_household_card(
    browser, live_server, alice, password, village_a, award, a1, tmp_path
):
    """Chromium on Linux has no BarcodeDetector, so this reads the card with the vendored jsQR."""
    activity = publish(village_a, by=alice, rule=award)
    signup_create(activity=activity, household=a1)
    video = qr_video(tmp_path / "card.y4m", f"{live_server.url}/lookup/c/{a1.card_token}/")
    # A browser of its own, from the session's Playwright: its fake camera films the card.
    camera_browser = browser.browser_type.launch(
        executable_path=str(CHROMIUM),
        args=[
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    refused = []
    try:
        context = camera_browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE)
        context.grant_permissions(["camera"], origin=live_server.url)
        page = context.new_page()
        page.on("console", lambda message: refused.append(message.text) if _is_policy_error(message) else None)
        log_in(page, live_server, alice, password)
        page.goto(f"{live_server.url}/activities/{activity.pk}/check-in/")
        page.click("#act-scan")
        expect(page.locator("#act-result")).to_contain_text("已签到", timeout=20_000)
        expect(page.locator("#act-who")).to_contain_text("应美凤")
        # The camera comes back by itself for the next card.
        expect(page.locator("#act-camera")).to_be_visible()
        # A screenshot can wait forever on a live video in headless Chromium: stop the camera first.
        page.click("#act-stop")
        expect(page.locator("#act-scan")).to_be_visible()
        shoot(page, "check-in-camera")
    finally:
        camera_browser.close()
    assert activity.signups.get().checked_in
    assert not refused, f"the page broke its security policy: {refused}"
