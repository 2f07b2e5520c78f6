"""A case is finalised once: cron runs and readers at the same moment make one entry, on file
SQLite and on PostgreSQL. Real threads, each on its own connection (tests/threads.py)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import Case
from cases.services import case_approve, case_finalise, case_object, finalise_due, record
from credits.models import Entry
from credits.selectors import ledger_differences
from tests.credits.ledger import assert_ledger_agrees, today
from tests.threads import run_together

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_two_cron_runs_and_a_reader_at_once_make_one_entry(a1, a2, alice, deduction):
    cases = record(households=[a1, a2], rule=deduction, occurred_on=today(), by=alice).cases
    Case.objects.update(notice_ends_at=timezone.now() - timedelta(seconds=1))

    def reader():
        return case_finalise(case=Case.objects.get(household=a1))

    _results, errors = run_together(finalise_due, finalise_due, reader, reader)

    assert errors == [None] * 4
    for case in cases:
        case.refresh_from_db()
        assert case.state == Case.State.FINAL
    assert Entry.objects.filter(kind=Entry.Kind.DEDUCTION).count() == 2
    assert_ledger_agrees(a1)
    assert_ledger_agrees(a2)
    assert ledger_differences() == []


def test_an_objection_racing_the_deadline_either_holds_the_case_or_comes_too_late(a1, alice, deduction):
    (case,) = record(households=[a1], rule=deduction, occurred_on=today(), by=alice).cases
    deadline = case.notice_ends_at

    _results, errors = run_together(
        lambda: finalise_due(now=deadline),
        lambda: case_object(case=case, text="不服", now=deadline - timedelta(seconds=1)),
    )

    case.refresh_from_db()
    entries = Entry.objects.filter(kind=Entry.Kind.DEDUCTION).count()
    if case.state == Case.State.FINAL:
        assert entries == 1 and type(errors[1]).__name__ == "CaseNotWaiting"
    else:
        assert case.state == Case.State.OBJECTED and entries == 0 and errors == [None, None]


def test_two_approvers_at_once_make_one_entry(a1, alice, big_award, carl, rita):
    (case,) = record(households=[a1], rule=big_award, occurred_on=today(), by=alice).cases

    _results, errors = run_together(lambda: case_approve(case=case, by=carl), lambda: case_approve(case=case, by=rita))

    assert sorted(type(error).__name__ for error in errors if error) == ["CaseNotWaiting"]
    assert Entry.objects.filter(kind=Entry.Kind.AWARD).count() == 1
    assert_ledger_agrees(a1)
