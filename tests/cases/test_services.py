"""A deduction's way to the ledger: notice, objection, review, approval, and every refusal."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from cases.errors import CaseNotWaiting, MayNotApprove, NotReviewer, ObjectionTooLate, OwnCase, ReducedPoints
from cases.models import Case, ProcessSettings
from cases.services import (
    adjust,
    case_approve,
    case_decide,
    case_finalise,
    case_object,
    case_reject,
    finalise_due,
    record,
)
from credits.errors import BatchRefused, ZeroPoints
from credits.models import Entry
from credits.selectors import ledger_differences
from households.errors import NotYours
from tests.credits.ledger import assert_ledger_agrees, scores, today
from tests.factories import RuleFactory

pytestmark = pytest.mark.django_db
State = Case.State


def later(days=8):
    return timezone.now() + timedelta(days=days)


def test_it_records_an_award_below_the_threshold_straight_to_the_ledger(a1, alice, award):
    outcome = record(households=[a1], rule=award, occurred_on=today(), by=alice)

    assert [entry.points for entry in outcome.entries] == [2]
    assert outcome.cases == []
    assert scores(a1) == [(102, 102)]


def test_it_puts_a_deduction_in_notice_instead_of_the_ledger(a1, alice, deduction):
    outcome = record(households=[a1], rule=deduction, occurred_on=today(), by=alice, note="乱倒垃圾")

    (case,) = outcome.cases
    assert outcome.entries == []
    assert case.state == State.NOTICE
    assert case.points == -5
    assert case.notice_ends_at - case.created_at == timedelta(days=7)
    assert scores(a1) == [(100, 100)]
    assert a1.entries.count() == 1  # the opening only


def test_it_finalises_a_case_without_objection_into_one_entry_dated_the_deed(a1, alice, deduction):
    deed = today() - timedelta(days=3)
    (case,) = record(households=[a1], rule=deduction, occurred_on=deed, by=alice, note="乱倒垃圾").cases

    assert case_finalise(case=case).state == State.NOTICE  # not yet due
    case = case_finalise(case=case, now=later())

    assert case.state == State.FINAL
    assert (case.entry.points, case.entry.occurred_on, case.entry.kind) == (-5, deed, Entry.Kind.DEDUCTION)
    assert case.entry.recorded_by == alice
    assert case.entry.note == "乱倒垃圾"
    assert scores(a1) == [(95, 95)]
    assert_ledger_agrees(a1)
    assert ledger_differences() == []


def test_it_finalises_only_once_however_often_it_is_asked(a1, alice, deduction):
    (case,) = record(households=[a1], rule=deduction, occurred_on=today(), by=alice).cases

    case_finalise(case=case, now=later())
    case_finalise(case=case, now=later())
    assert finalise_due(now=later()) == 0

    assert a1.entries.filter(kind=Entry.Kind.DEDUCTION).count() == 1


def test_the_command_finalises_what_is_due_and_nothing_else(a1, a2, alice, deduction):
    (due,) = record(households=[a1], rule=deduction, occurred_on=today(), by=alice).cases
    Case.objects.filter(pk=due.pk).update(notice_ends_at=timezone.now() - timedelta(minutes=1))
    (waiting,) = record(households=[a2], rule=deduction, occurred_on=today(), by=alice).cases

    call_command("finalise_cases", stdout=open("/dev/null", "w"))

    due.refresh_from_db()
    waiting.refresh_from_db()
    assert (due.state, waiting.state) == (State.FINAL, State.NOTICE)
    assert scores(a1, a2) == [(95, 95), (100, 100)]


def test_a_village_may_send_deductions_straight_to_the_ledger(a1, alice, deduction, village_a):
    ProcessSettings.objects.create(village=village_a, notice_deductions=False)

    outcome = record(households=[a1], rule=deduction, occurred_on=today(), by=alice)

    assert outcome.cases == [] and len(outcome.entries) == 1


def test_it_sets_the_notice_period_the_village_chose(a1, alice, deduction, village_a):
    ProcessSettings.objects.create(village=village_a, notice_days=3)

    (case,) = record(households=[a1], rule=deduction, occurred_on=today(), by=alice).cases

    assert case.notice_ends_at - case.created_at == timedelta(days=3)


def test_it_refuses_a_case_the_ledger_would_refuse_and_opens_none(a1, a2, alice, village_a):
    capped = RuleFactory(village=village_a, name="限次扣分", points=-5, cap_per_year=1)
    record(households=[a1], rule=capped, occurred_on=today(), by=alice, now=timezone.now() - timedelta(days=10))
    finalise_due()

    with pytest.raises(BatchRefused) as refused:
        record(households=[a1, a2], rule=capped, occurred_on=today(), by=alice)

    assert [household for household, _message in refused.value.refusals] == [a1]
    assert Case.objects.filter(household=a2).count() == 0


def test_it_refuses_a_clerk_of_another_village(a1, bob, deduction):
    with pytest.raises(NotYours):
        record(households=[a1], rule=deduction, occurred_on=today(), by=bob)
    assert Case.objects.count() == 0


def test_a_batch_of_deductions_becomes_one_case_per_household(a1, a2, alice, deduction):
    outcome = record(households=[a1, a2], rule=deduction, occurred_on=today(), by=alice)

    assert sorted(case.household_id for case in outcome.cases) == sorted([a1.pk, a2.pk])
    assert scores(a1, a2) == [(100, 100), (100, 100)]


def test_it_ends_a_case_the_ledger_refuses_at_finalising_with_the_reason(a1, alice, village_a):
    capped = RuleFactory(village=village_a, name="限次扣分", points=-5, cap_per_year=1)
    (first,) = record(households=[a1], rule=capped, occurred_on=today(), by=alice).cases
    (second,) = record(households=[a1], rule=capped, occurred_on=today(), by=alice).cases

    case_finalise(case=first, now=later())
    second = case_finalise(case=second, now=later())

    assert second.state == State.LAPSED
    assert second.entry is None
    assert "限次扣分" in second.ledger_refusal
    assert scores(a1) == [(95, 95)]


# Objection and review


def test_an_objection_holds_the_case_past_its_deadline(a1, alice, deduction):
    (case,) = record(households=[a1], rule=deduction, occurred_on=today(), by=alice).cases

    case = case_object(case=case, text="那天我不在家")

    assert case.state == State.OBJECTED
    assert case_finalise(case=case, now=later()).state == State.OBJECTED
    assert scores(a1) == [(100, 100)]


def test_it_refuses_an_objection_after_the_deadline_and_changes_nothing(a1, alice, deduction):
    (case,) = record(households=[a1], rule=deduction, occurred_on=today(), by=alice).cases

    with pytest.raises(ObjectionTooLate):
        case_object(case=case, text="迟了", now=later())

    case.refresh_from_db()
    assert (case.state, case.objection) == (State.NOTICE, "")


def test_a_reviewer_upholds_an_objected_case_into_the_ledger(a1, alice, rita, deduction):
    (case,) = record(households=[a1], rule=deduction, occurred_on=today(), by=alice).cases
    case_object(case=case, text="不服")

    case = case_decide(case=case, by=rita, decision="upheld", reason="有照片为证")

    assert (case.state, case.decision, case.decided_by, case.reason) == (State.FINAL, "upheld", rita, "有照片为证")
    assert case.entry.points == -5
    assert scores(a1) == [(95, 95)]


def test_a_reviewer_reduces_a_deduction_and_the_smaller_one_is_recorded(a1, alice, rita, village_a):
    ProcessSettings.objects.filter(village=village_a).update(approval_threshold=None)
    rule = RuleFactory(village=village_a, name="大操大办", points=-20)
    (case,) = record(households=[a1], rule=rule, occurred_on=today(), by=alice).cases
    case_object(case=case, text="规模不大")

    case = case_decide(case=case, by=rita, decision="reduced", points=-10, reason="酌情减半")

    assert (case.state, case.final_points, case.entry.points, case.entry.rule_name) == (
        State.FINAL,
        -10,
        -10,
        "大操大办",
    )
    assert scores(a1) == [(90, 90)]
    assert_ledger_agrees(a1)


@pytest.mark.parametrize("points", [-5, -6, 3, 0])
def test_it_refuses_a_reduction_that_is_not_smaller(a1, alice, rita, deduction, points):
    (case,) = record(households=[a1], rule=deduction, occurred_on=today(), by=alice).cases
    case_object(case=case, text="不服")

    with pytest.raises((ReducedPoints, ZeroPoints)):
        case_decide(case=case, by=rita, decision="reduced", points=points, reason="减")

    case.refresh_from_db()
    assert case.state == State.OBJECTED


def test_a_withdrawn_case_reaches_nothing_and_keeps_its_decision(a1, alice, rita, deduction):
    (case,) = record(households=[a1], rule=deduction, occurred_on=today(), by=alice).cases
    case_object(case=case, text="不是我家")

    case = case_decide(case=case, by=rita, decision="withdrawn", reason="查无实据")

    assert (case.state, case.decided_by, case.reason, case.entry) == (State.WITHDRAWN, rita, "查无实据", None)
    assert scores(a1) == [(100, 100)]
    assert finalise_due(now=later()) == 0


def test_it_refuses_a_clerk_deciding_an_objection(a1, alice, carl, deduction):
    (case,) = record(households=[a1], rule=deduction, occurred_on=today(), by=alice).cases
    case_object(case=case, text="不服")

    with pytest.raises(NotReviewer):
        case_decide(case=case, by=carl, decision="withdrawn", reason="算了")

    case.refresh_from_db()
    assert case.state == State.OBJECTED


def test_it_refuses_a_review_by_the_recorder(a1, rita, deduction, village_a):
    village_a.clerks.add(rita)
    (case,) = record(households=[a1], rule=deduction, occurred_on=today(), by=rita).cases
    case_object(case=case, text="不服")

    with pytest.raises(OwnCase):
        case_decide(case=case, by=rita, decision="upheld", reason="维持")

    case.refresh_from_db()
    assert (case.state, case.decided_by) == (State.OBJECTED, None)


def test_it_refuses_deciding_a_case_twice(a1, alice, rita, deduction):
    (case,) = record(households=[a1], rule=deduction, occurred_on=today(), by=alice).cases
    case_object(case=case, text="不服")
    case_decide(case=case, by=rita, decision="upheld", reason="维持")

    with pytest.raises(CaseNotWaiting):
        case_decide(case=case, by=rita, decision="withdrawn", reason="改判")

    assert a1.entries.filter(kind=Entry.Kind.DEDUCTION).count() == 1


# A second pair of eyes


def test_a_large_award_waits_for_another_clerk_then_reaches_the_ledger(a1, alice, carl, big_award):
    (case,) = record(households=[a1], rule=big_award, occurred_on=today(), by=alice).cases
    assert case.state == State.APPROVAL
    assert scores(a1) == [(100, 100)]

    case = case_approve(case=case, by=carl)

    assert (case.state, case.approved_by, case.entry.points) == (State.FINAL, carl, 20)
    assert scores(a1) == [(120, 120)]


def test_a_large_deduction_starts_its_notice_only_when_approved(a1, alice, rita, big_deduction):
    (case,) = record(households=[a1], rule=big_deduction, occurred_on=today(), by=alice).cases
    assert (case.state, case.notice_ends_at) == (State.APPROVAL, None)
    assert finalise_due(now=later(30)) == 0

    approved_at = timezone.now() + timedelta(days=2)
    case = case_approve(case=case, by=rita, now=approved_at)

    assert (case.state, case.notice_ends_at) == (State.NOTICE, approved_at + timedelta(days=7))
    assert scores(a1) == [(100, 100)]


def test_it_refuses_approval_by_the_maker_and_changes_nothing(a1, alice, big_award):
    (case,) = record(households=[a1], rule=big_award, occurred_on=today(), by=alice).cases

    with pytest.raises(OwnCase):
        case_approve(case=case, by=alice)

    case.refresh_from_db()
    assert (case.state, case.approved_by) == (State.APPROVAL, None)
    assert scores(a1) == [(100, 100)]


def test_it_refuses_approval_by_a_clerk_of_another_village(a1, alice, bob, big_award):
    (case,) = record(households=[a1], rule=big_award, occurred_on=today(), by=alice).cases

    with pytest.raises(MayNotApprove):
        case_approve(case=case, by=bob)


def test_a_rejected_case_reaches_nothing_and_says_why(a1, alice, carl, big_award):
    (case,) = record(households=[a1], rule=big_award, occurred_on=today(), by=alice).cases

    case = case_reject(case=case, by=carl, reason="没有见证人")

    assert (case.state, case.decided_by, case.reason) == (State.REJECTED, carl, "没有见证人")
    assert scores(a1) == [(100, 100)]


def test_every_adjustment_waits_for_approval_and_one_below_zero_then_goes_through_notice(a1, alice, carl):
    (plus,) = adjust(household=a1, points=3, reason="补登", by=alice).cases
    (minus,) = adjust(household=a1, points=-3, reason="更正", by=alice).cases

    assert case_approve(case=plus, by=carl).state == State.FINAL
    assert case_approve(case=minus, by=carl).state == State.NOTICE
    assert scores(a1) == [(103, 103)]
    case_finalise(case=minus, now=later())
    assert scores(a1) == [(100, 100)]
    assert_ledger_agrees(a1)


def test_a_village_without_approval_for_adjustments_records_them_at_once(a1, alice, village_a):
    ProcessSettings.objects.create(village=village_a, approve_adjustments=False)

    outcome = adjust(household=a1, points=3, reason="补登", by=alice)

    assert outcome.cases == [] and outcome.entries[0].points == 3


def test_a_cap_reached_while_waiting_ends_the_case_at_approval(a1, alice, carl, village_a):
    capped = RuleFactory(village=village_a, name="限次大奖", points=30, cap_per_year=1)
    (case,) = record(households=[a1], rule=capped, occurred_on=today(), by=alice).cases
    (other,) = record(households=[a1], rule=capped, occurred_on=today(), by=alice).cases
    case_approve(case=other, by=carl)

    case = case_approve(case=case, by=carl)

    assert case.state == State.LAPSED
    assert "限次大奖" in case.ledger_refusal
    assert scores(a1) == [(130, 130)]
