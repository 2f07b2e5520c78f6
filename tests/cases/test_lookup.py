"""The household's lookup page shows its cases, takes its objection before the deadline, and shows the decision."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from cases.selectors import HOUSEHOLD_CASES
from cases.services import case_approve, case_decide, case_object, record
from tests.credits.ledger import scores
from tests.public.test_lookup import PIN, a1_pin, card_url, look_up  # noqa: F401 (a1_pin is a fixture)

pytestmark = pytest.mark.django_db
State = Case.State


def said(response) -> str:
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


@pytest.fixture
def case(a1, alice, deduction):
    (case,) = record(
        households=[a1], rule=deduction, occurred_on=timezone.localdate(), by=alice, note="乱倒垃圾"
    ).cases
    return case


def object_url(case):
    return reverse("lookup_card_object", args=[case.household.card_token, case.pk])


def test_the_card_page_shows_the_case_in_notice_with_its_deadline(client, a1, case):
    page = client.get(card_url(a1)).content.decode()

    assert f'id="lk-case-{case.pk}"' in page
    assert "乱倒垃圾" in page and "-5" in page
    assert timezone.localtime(case.notice_ends_at).strftime("%Y-%m-%d %H:%M") in page
    assert f'id="lk-object-{case.pk}"' in page


def test_it_shows_no_case_waiting_for_approval(client, a1, alice, big_award):
    record(households=[a1], rule=big_award, occurred_on=timezone.localdate(), by=alice)

    assert 'id="lk-cases"' not in client.get(card_url(a1)).content.decode()


def test_the_household_objects_from_its_card(client, a1, case):
    response = client.post(object_url(case), {"text": "那天我家没人在"})

    assert response.status_code == 302 and response.url == card_url(a1)
    case.refresh_from_db()
    assert (case.state, case.objection) == (State.OBJECTED, "那天我家没人在")
    page = client.get(card_url(a1)).content.decode()
    assert "那天我家没人在" in page and f'id="lk-object-{case.pk}"' not in page


def test_the_household_objects_after_opening_its_record_by_pin(client, a1, a1_pin, case):  # noqa: F811
    look_up(client, a1.village, "0001", PIN)

    client.post(reverse("lookup_me_object", args=[case.pk]), {"text": "不服"})

    case.refresh_from_db()
    assert case.state == State.OBJECTED


def test_an_empty_objection_is_refused_with_a_message_and_changes_nothing(client, a1, case):
    response = client.post(object_url(case), {"text": "  "}, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert "请写明申诉理由" in said(response)
    case.refresh_from_db()
    assert case.state == State.NOTICE


def test_an_objection_after_the_deadline_is_refused_and_the_case_is_final(client, a1, case):
    Case.objects.filter(pk=case.pk).update(notice_ends_at=timezone.now() - timedelta(minutes=1))

    response = client.post(object_url(case), {"text": "迟了"}, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert "不能再提出申诉" in said(response) or "已不在等待" in said(response)
    case.refresh_from_db()
    assert case.objection == ""


def test_reading_the_record_after_the_deadline_finalises_the_case(client, a1, case):
    Case.objects.filter(pk=case.pk).update(notice_ends_at=timezone.now() - timedelta(minutes=1))

    page = client.get(card_url(a1)).content.decode()

    case.refresh_from_db()
    assert case.state == State.FINAL
    assert 'id="lk-balance">95<' in page


def test_reading_the_record_finalises_a_due_case_older_than_the_cases_it_shows(client, a1, alice, case, deduction):
    # The record shows the newest HOUSEHOLD_CASES cases, all of them waiting still.
    newer = [
        record(households=[a1], rule=deduction, occurred_on=timezone.localdate(), by=alice).cases[0]
        for _n in range(HOUSEHOLD_CASES)
    ]
    Case.objects.filter(pk=case.pk).update(notice_ends_at=timezone.now() - timedelta(minutes=1))

    response = client.get(card_url(a1))

    case.refresh_from_db()
    assert case.state == State.FINAL and scores(a1)[-1][0] == 95
    assert [shown.pk for shown in response.context["cases"]] == [c.pk for c in reversed(newer)]


def test_the_household_reads_the_decision_and_its_reason(client, a1, case, rita):
    case_object(case=case, text="不服")
    case_decide(case=case, by=rita, decision="withdrawn", reason="查无实据，撤销")

    page = client.get(card_url(a1), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "查无实据，撤销" in page and "已撤销" in page
    assert scores(a1) == [(100, 100)]


def test_a_household_cannot_object_to_another_households_case(client, a2, case):
    response = client.post(reverse("lookup_card_object", args=[a2.card_token, case.pk]), {"text": "不服"})

    assert response.status_code == 404
    case.refresh_from_db()
    assert case.state == State.NOTICE


def test_an_approved_large_deduction_shows_once_in_notice(client, a1, alice, carl, big_deduction):
    (case,) = record(households=[a1], rule=big_deduction, occurred_on=timezone.localdate(), by=alice).cases
    assert 'id="lk-cases"' not in client.get(card_url(a1)).content.decode()

    case_approve(case=case, by=carl)

    assert f'id="lk-case-{case.pk}"' in client.get(card_url(a1)).content.decode()


def test_reading_the_record_after_the_deadline_counts_the_case_in_the_years_points_and_rank(client, a1, a2, case):
    Case.objects.filter(pk=case.pk).update(notice_ends_at=timezone.now() - timedelta(minutes=1))

    page = client.get(card_url(a1), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    # The household was read with its points of the year before the case was finalised.
    assert "-5 points this year" in page
    assert 'id="lk-year-rank">2<' in page
