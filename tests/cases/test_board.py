"""The board lists final deductions only, for the village's own number of days; cases in notice
appear apart and masked only if the village chooses; withdrawn cases never appear."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import ProcessSettings
from cases.services import case_decide, case_finalise, case_object, record
from tests.public.test_board import board_of, days_ago, settings_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def shown(village_a):
    return settings_for(village_a, show_black_list=True, mask_names=False)


def process(village, **options):
    ProcessSettings.objects.update_or_create(village=village, defaults=options)


def deduct(household, rule, by, *, on=None):
    (case,) = record(households=[household], rule=rule, occurred_on=on or days_ago(0), by=by).cases
    return case


def test_a_deduction_in_notice_is_not_on_the_board_until_final(client, village_a, shown, a1, alice, deduction):
    case = deduct(a1, deduction, alice)

    assert board_of(client, village_a)[0].deductions == []
    assert board_of(client, village_a)[0].pending is None

    case_finalise(case=case, now=timezone.now() + timedelta(days=8))

    (row,) = board_of(client, village_a)[0].deductions
    assert (row.number, row.points) == ("0001", -5)


def test_a_withdrawn_case_never_appears(client, village_a, shown, a1, alice, rita, deduction):
    case = deduct(a1, deduction, alice)
    case_object(case=case, text="不是我家")
    case_decide(case=case, by=rita, decision="withdrawn", reason="查无实据")
    process(village_a, board_shows_pending=True)

    board, page = board_of(client, village_a)

    assert board.deductions == [] and board.pending == []
    assert "应美凤" not in page and "测试扣分" not in page


def test_it_lists_final_deductions_of_the_villages_number_of_days(client, village_a, shown, a1, alice, deduction):
    case = deduct(a1, deduction, alice, on=days_ago(20))
    case_finalise(case=case, now=timezone.now() + timedelta(days=8))

    assert len(board_of(client, village_a)[0].deductions) == 1  # 30 days by default
    process(village_a, board_days=14)
    board, page = board_of(client, village_a)
    assert board.deductions == [] and board.deduction_days == 14
    assert "14" in page


def test_a_village_may_show_its_cases_in_notice_masked(client, village_a, shown, a1, alice, rita, deduction):
    deduct(a1, deduction, alice)
    process(village_a, board_shows_pending=True)

    board, page = board_of(client, village_a)

    (row,) = board.pending
    assert (row.name, row.points) == ("应×", -5)
    assert "应美凤" not in page and 'id="pending"' in page
    assert board.deductions == []
