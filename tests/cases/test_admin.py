"""The clerk's pages route writes through notice and approval, and the queue and review pages."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, ProcessSettings
from cases.services import case_object, record
from credits.models import Entry
from tests.credits.ledger import scores
from tests.credits.test_admin import batch

pytestmark = pytest.mark.django_db
State = Case.State


def today():
    return timezone.localdate().isoformat()


def said(response) -> str:
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


def case_url(case, action=None):
    if action:
        return reverse(f"admin:cases_case_{action}", args=[case.pk])
    return reverse("admin:cases_case_change", args=[case.pk])


QUEUE = reverse("admin:cases_case_changelist")


def test_recording_a_deduction_opens_a_case_and_says_it_is_not_yet_recorded(client, alice, a1, deduction):
    client.force_login(alice)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    response = client.post(
        reverse("admin:households_household_record", args=[a1.pk]), {"rule": deduction.pk, "occurred_on": today()}
    )

    assert response.status_code == 302
    assert "Not yet recorded" in said(response) and "in notice until" in said(response)
    assert Case.objects.get(household=a1).state == State.NOTICE
    assert scores(a1) == [(100, 100)]


def test_a_batch_names_the_households_that_wait(client, alice, a1, a2, deduction):
    client.force_login(alice)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    response = batch(client, [a1, a2], apply={"rule": deduction.pk, "occurred_on": today()})

    message = said(response)
    assert str(a1) in message and str(a2) in message and "in notice" in message
    assert "Recorded" not in message
    assert Case.objects.filter(state=State.NOTICE).count() == 2
    assert not Entry.objects.filter(kind=Entry.Kind.DEDUCTION).exists()


def test_a_batch_of_awards_below_the_threshold_still_goes_to_the_ledger(client, alice, a1, a2, award):
    client.force_login(alice)

    batch(client, [a1, a2], apply={"rule": award.pk, "occurred_on": today()})

    assert scores(a1, a2) == [(102, 102), (102, 102)]
    assert not Case.objects.exists()


def test_an_adjustment_waits_for_approval(client, alice, a1):
    client.force_login(alice)

    client.post(
        reverse("admin:households_household_adjust", args=[a1.pk]),
        {"points": "5", "reason": "补登", "occurred_on": today()},
    )

    assert Case.objects.get(household=a1).state == State.APPROVAL
    assert scores(a1) == [(100, 100)]


def test_the_queue_shows_another_clerk_what_waits_for_them_and_not_the_maker(client, alice, carl, a1, big_award):
    (case,) = record(households=[a1], rule=big_award, occurred_on=timezone.localdate(), by=alice).cases

    client.force_login(carl)
    assert [row.pk for row in client.get(QUEUE, {"waiting": "me"}).context["cl"].result_list] == [case.pk]
    client.force_login(alice)
    assert list(client.get(QUEUE, {"waiting": "me"}).context["cl"].result_list) == []


def test_another_clerk_approves_from_the_case_page(client, alice, carl, a1, big_award):
    (case,) = record(households=[a1], rule=big_award, occurred_on=timezone.localdate(), by=alice).cases
    client.force_login(carl)

    assert 'id="xf-approve"' in client.get(case_url(case)).content.decode()
    response = client.post(case_url(case, "approve"))

    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.state, case.approved_by) == (State.FINAL, carl)
    assert scores(a1) == [(120, 120)]


def test_the_maker_is_refused_approval_with_a_clear_message(client, alice, a1, big_award):
    (case,) = record(households=[a1], rule=big_award, occurred_on=timezone.localdate(), by=alice).cases
    client.force_login(alice)

    assert 'id="xf-approve"' not in client.get(case_url(case)).content.decode()
    response = client.post(case_url(case, "approve"))

    assert response.status_code == 200
    assert "You recorded this yourself" in response.content.decode()
    case.refresh_from_db()
    assert case.state == State.APPROVAL


def test_a_reviewer_withdraws_an_objected_case(client, alice, rita, a1, deduction):
    (case,) = record(households=[a1], rule=deduction, occurred_on=timezone.localdate(), by=alice).cases
    case_object(case=case, text="不是我家")
    client.force_login(rita)

    assert 'id="xf-decide"' in client.get(case_url(case)).content.decode()
    response = client.post(case_url(case, "decide"), {"decision": "withdrawn", "reason": "查无实据"})

    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.state, case.decided_by, case.reason) == (State.WITHDRAWN, rita, "查无实据")
    assert scores(a1) == [(100, 100)]


def test_a_reduction_without_points_is_refused_and_changes_nothing(client, alice, rita, a1, deduction):
    (case,) = record(households=[a1], rule=deduction, occurred_on=timezone.localdate(), by=alice).cases
    case_object(case=case, text="不服")
    client.force_login(rita)

    response = client.post(case_url(case, "decide"), {"decision": "reduced", "reason": "减"})

    assert response.status_code == 200 and response.context["form"].errors
    case.refresh_from_db()
    assert case.state == State.OBJECTED


def test_a_clerk_of_another_village_sees_no_case(client, alice, bob, a1, deduction):
    (case,) = record(households=[a1], rule=deduction, occurred_on=timezone.localdate(), by=alice).cases
    client.force_login(bob)

    assert client.get(case_url(case)).status_code == 404
    assert client.post(case_url(case, "approve")).status_code == 404
    assert list(client.get(QUEUE).context["cl"].result_list) == []


def test_reading_a_case_past_its_deadline_finalises_it(client, alice, a1, deduction):
    (case,) = record(households=[a1], rule=deduction, occurred_on=timezone.localdate(), by=alice).cases
    Case.objects.filter(pk=case.pk).update(notice_ends_at=timezone.now() - timedelta(minutes=1))
    client.force_login(alice)

    client.get(case_url(case))

    case.refresh_from_db()
    assert case.state == State.FINAL
    assert scores(a1) == [(95, 95)]


def test_the_statement_shows_a_case_whose_notice_ended_as_recorded(client, alice, a1, deduction):
    (case,) = record(households=[a1], rule=deduction, occurred_on=timezone.localdate(), by=alice).cases
    Case.objects.filter(pk=case.pk).update(notice_ends_at=timezone.now() - timedelta(minutes=1))
    client.force_login(alice)

    response = client.get(reverse("admin:households_household_statement", args=[a1.pk]))

    # Finalised before the page was read: its entry and the score it left are on the page, and it
    # is no longer among the open cases.
    entry = Case.objects.get(pk=case.pk).entry
    assert response.context["rows"][0]["pk"] == str(entry.pk)
    assert response.context["household"].score == 95
    assert response.context["open_cases"] == []


def test_a_clerk_keeps_their_villages_settings_but_not_its_reviewers(client, alice, village_a, village_b, rita):
    client.force_login(alice)
    # 农丰村 has its row (the rita fixture made it) and 永丰村 is not Alice's: nothing to add.
    assert client.get(reverse("admin:cases_processsettings_add")).status_code == 403
    settings = ProcessSettings.objects.get(village=village_a)
    response = client.post(
        reverse("admin:cases_processsettings_change", args=[settings.pk]),
        {"notice_deductions": "on", "notice_days": "3", "approval_threshold": "30", "board_days": "14"},
    )

    assert response.status_code == 302
    settings.refresh_from_db()
    assert (settings.notice_days, settings.approval_threshold, settings.board_days) == (3, 30, 14)
    assert list(settings.reviewers.all()) == [rita]


def test_a_clerk_cannot_change_another_villages_settings(client, bob, village_a, rita):
    client.force_login(bob)
    settings = ProcessSettings.objects.get(village=village_a)

    response = client.post(
        reverse("admin:cases_processsettings_change", args=[settings.pk]), {"notice_days": "1", "board_days": "1"}
    )

    assert response.status_code in (403, 404)
    settings.refresh_from_db()
    assert settings.notice_days == 7


def test_the_statement_shows_what_is_not_yet_in_the_ledger(client, alice, a1, deduction, award):
    (case,) = record(households=[a1], rule=deduction, occurred_on=timezone.localdate(), by=alice).cases
    record(households=[a1], rule=award, occurred_on=timezone.localdate(), by=alice)
    client.force_login(alice)

    page = client.get(reverse("admin:households_household_statement", args=[a1.pk])).content.decode()

    assert 'id="xf-open-cases"' in page and case_url(case) in page
    assert 'id="xf-statement"' in page
