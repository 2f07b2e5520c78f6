"""The clerk's tools in a real browser: a roster imported from Excel, and the report page's charts."""

import os
from pathlib import Path

import pytest
from openpyxl import Workbook

from households.models import Household
from tests.e2e.conftest import CHROMIUM
from tests.e2e.test_clerk_admin import log_in
from tests.reports.conftest import history, today  # noqa: F401 - the report's fixtures

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}"),
    pytest.mark.django_db(transaction=True),
]

SHOTS = Path(os.environ.get("XIANGFENG_SHOTS", "/tmp/shots"))
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


def shoot_both(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for size_name, size in SIZES.items():
        page.set_viewport_size(size)
        page.screenshot(path=str(SHOTS / f"{name}-{size_name}.png"), full_page=True)
    page.set_viewport_size(SIZES["desktop"])


def roster(tmp_path) -> Path:
    book = Workbook()
    sheet = book.active
    for row in (
        ["户号", "户主", "村民小组", "住址", "电话"],
        ["0301", "周海军", "第三组", "农丰路 31 号", "13900003011"],
        ["0302", "吴春梅", "第三组", "农丰路 32 号", ""],
    ):
        sheet.append(row)
    path = tmp_path / "农丰村名册.xlsx"
    book.save(path)
    return path


def test_it_lets_a_clerk_import_an_excel_roster_and_see_the_new_households(
    page, live_server, alice, password, village_a, a1, tmp_path
):
    log_in(page, live_server, alice, password)
    page.goto(f"{live_server.url}/admin/households/household/")
    page.click("a.import_link")
    expect(page.locator("a[href$='import/template.xlsx']")).to_be_visible()
    page.set_input_files("#id_import_file", str(roster(tmp_path)))
    page.select_option("#id_format", label="xlsx")
    shoot_both(page, "import-form")
    page.click("input[type=submit]")

    expect(page.locator(".xf-job")).to_contain_text("2 户将新建")
    shoot_both(page, "import-preview")
    assert not Household.objects.filter(number="0301").exists()
    page.click(".xf-job input[type=submit]")

    expect(page.locator(".xf-job")).to_contain_text("已新建 2 户")
    shoot_both(page, "import-done")
    page.click(".xf-job a.button")
    expect(page.locator("#result_list")).to_contain_text("周海军")
    expect(page.locator("#result_list")).to_contain_text("吴春梅")
    assert Household.objects.get(number="0302").entries.get().kind == "opening"


def test_it_shows_a_clerk_every_bad_row_of_a_sheet_and_imports_nothing(
    page, live_server, alice, password, village_a, tmp_path
):
    book = Workbook()
    for row in (["户号", "户主", "电话"], ["0401", "", ""], ["0402", "郑立新", "123"]):
        book.active.append(row)
    path = tmp_path / "有错.xlsx"
    book.save(path)
    log_in(page, live_server, alice, password)
    page.goto(f"{live_server.url}/admin/households/household/import/")
    page.set_input_files("#id_import_file", str(path))
    page.select_option("#id_format", label="xlsx")
    page.click("input[type=submit]")

    errors = page.locator("table.xf-import-errors")
    expect(errors).to_contain_text("缺少户主姓名")
    expect(errors).to_contain_text("电话号码“123”格式不对")
    assert [cell.strip() for cell in errors.locator("tbody tr td:first-child").all_inner_texts()] == ["2", "3"]
    shoot_both(page, "import-errors")
    assert not Household.objects.exists()


def test_it_draws_the_report_charts_for_a_clerk_and_the_town_for_an_officer(
    page,
    live_server,
    alice,
    olivia,
    password,
    history,  # noqa: F811
):
    log_in(page, live_server, alice, password)
    page.click("a[href='/reports/']")
    page.wait_for_url(f"{live_server.url}/reports/")
    expect(page.locator("svg.chart").first).to_be_visible()
    assert page.locator("svg.chart").count() >= 6
    assert page.locator("svg.chart rect.award").count() > 0
    expect(page.locator("h2")).to_contain_text("农丰村")
    shoot_both(page, "report-village")
    page.emulate_media(media="print")
    shoot_both(page, "report-village-print")
    page.emulate_media(media="screen")

    page.context.clear_cookies()
    log_in(page, live_server, olivia, password)
    page.goto(f"{live_server.url}/reports/")
    expect(page.locator("body")).to_contain_text("各村对比")
    shoot_both(page, "report-town")
