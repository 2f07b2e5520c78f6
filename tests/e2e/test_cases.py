"""A household objects to a pending deduction on a phone, and a reviewer withdraws it.

The −20 waits for a second clerk's approval, then goes into notice: the household's card shows it
with its photo and deadline, the household objects with a photo of its own, the village's reviewer
withdraws it in the admin, and the board, which shows the village's deductions, never showed it.
"""

import re

import pytest
from django.utils import timezone

from cases.models import Case, ProcessSettings
from cases.services import case_approve, record
from public.models import BoardSettings
from tests.e2e.conftest import CHROMIUM, PHONE, loaded
from tests.e2e.test_clerk_admin import log_in
from tests.evidence.conftest import image_bytes, upload
from tests.factories import RuleFactory, UserFactory

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def rita(village_a):
    user = UserFactory(username="rita", role="reviewer", first_name="丽", last_name="沈")
    settings, _created = ProcessSettings.objects.get_or_create(village=village_a)
    settings.reviewers.add(user)
    return user


@pytest.fixture
def carl(village_a):
    user = UserFactory(username="carl", role="clerk")
    village_a.clerks.add(user)
    return user


def board_deductions(page, live_server) -> str:
    page.goto(f"{live_server.url}/board/nongfeng/")
    return page.locator(".board-black").inner_text()


def test_a_household_objects_on_its_phone_and_a_reviewer_withdraws_the_deduction(
    page, shoot, live_server, a1, alice, carl, rita, password, village_a, tmp_path
):
    BoardSettings.objects.create(village=village_a, show_black_list=True)
    wedding = RuleFactory(village=village_a, name="红白事大操大办", points=-20)
    banquet = upload(image_bytes(size=(1200, 900), color=(200, 60, 40)), "酒席.jpg")
    (case,) = record(
        households=[a1],
        rule=wedding,
        occurred_on=timezone.localdate(),
        by=alice,
        note="酒席超过二十桌",
        files=[banquet],
    ).cases
    case_approve(case=case, by=carl)
    page.set_viewport_size(PHONE)
    assert "红白事大操大办" not in board_deductions(page, live_server)

    page.goto(f"{live_server.url}/lookup/c/{a1.card_token}/")
    row = page.locator(f"#lk-case-{case.pk}")
    expect(row).to_contain_text("红白事大操大办")
    expect(row).to_contain_text("-20")
    expect(row.locator(".lk-deadline")).to_contain_text("可在")
    expect(page.locator("#lk-balance")).to_have_text("100")
    photo = row.locator(".xf-evidence img")
    expect(photo).to_have_count(1)
    assert loaded(photo)  # the card's page may open it
    shoot("cases-lookup-notice")

    row.locator("summary").click()
    row.locator("textarea").fill("只办了八桌，都是自家亲戚")
    tables = tmp_path / "八桌.jpg"
    tables.write_bytes(image_bytes(size=(900, 1200), color=(40, 120, 60)))
    row.locator("input[type=file]").set_input_files(str(tables))
    shoot("cases-lookup-objecting")
    row.locator(f"#lk-object-{case.pk}").click()
    expect(page.locator(".messages")).to_contain_text("申诉已收到")
    expect(page.locator(f"#lk-case-{case.pk}")).to_contain_text("已申诉")
    expect(page.locator(f"#lk-case-{case.pk} .lk-objection .xf-evidence img")).to_have_count(1)
    shoot("cases-lookup-objected")

    log_in(page, live_server, rita, password)
    page.goto(f"{live_server.url}/admin/cases/case/?waiting=me")
    expect(page.locator("#result_list")).to_contain_text("红白事大操大办")
    shoot("cases-queue")
    page.click(f'#result_list a[href*="/{case.pk}/change/"]')
    expect(page.locator(".field-objection_evidence_shown .xf-evidence img")).to_have_count(1)
    shoot("cases-case")
    page.click("#xf-decide")
    page.check("input[name=decision][value=withdrawn]")
    page.fill("#id_reason", "经核实只办八桌，未超标准，撤销扣分")
    shoot("cases-decide")
    page.click("#xf-submit")
    page.wait_for_url(re.compile(rf"/admin/cases/case/{case.pk}/change/$"))
    expect(page.locator(".messagelist")).to_contain_text("已撤销")

    page.goto(f"{live_server.url}/lookup/c/{a1.card_token}/")
    row = page.locator(f"#lk-case-{case.pk}")
    expect(row).to_contain_text("已撤销")
    expect(row).to_contain_text("经核实只办八桌")
    expect(page.locator("#lk-balance")).to_have_text("100")
    shoot("cases-lookup-withdrawn")
    assert "红白事大操大办" not in board_deductions(page, live_server)
    case.refresh_from_db()
    assert (case.state, case.entry) == (Case.State.WITHDRAWN, None)
