"""The report counts the village's cases by the month they were opened: objected and withdrawn among them."""

import pytest
from django.utils import timezone

from cases.services import case_decide, case_object, record
from tests.reports.test_views import report_of

pytestmark = pytest.mark.django_db


def test_it_counts_cases_opened_objected_and_withdrawn_this_month(
    client, alice, rita, a1, a2, b1, bob, deduction, deduction_b
):
    today = timezone.localdate()
    first, _second = record(households=[a1, a2], rule=deduction, occurred_on=today, by=alice).cases
    case_object(case=first, text="不服")
    case_decide(case=first, by=rita, decision="withdrawn", reason="查无实据")
    record(households=[b1], rule=deduction_b, occurred_on=today, by=bob)  # another village's
    client.force_login(alice)

    report = report_of(client)

    month, figures = report.cases[-1]
    assert (month.year, month.month) == (today.year, today.month)
    assert (figures.opened, figures.objected, figures.withdrawn) == (2, 1, 1)
    assert sum(f.opened for _month, f in report.cases) == 2
