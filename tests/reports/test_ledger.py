"""The report's ledger figures read from the months' totals are the figures the entries give: on the
seeded demo town, for a village, the town and periods of whole months, of parts of months and of a
day, compared with the same report summed from the entries alone (what the report did before)."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from credits.models import Entry
from households.models import Village
from reports import ledger
from reports.selectors import Period, village_report

pytestmark = pytest.mark.django_db


def from_entries_alone(monkeypatch):
    """Make the report read every day of its period from the entries, as it did before the totals."""
    monkeypatch.setattr(ledger, "split", lambda period, today: (None, [(period.start, period.end)]))


def figures(villages, period):
    report = village_report(villages, period)
    return (
        report.domains,
        report.months,
        report.rules,
        [(v.village.pk, v.deductions) for v in report.comparison],
    )


def periods(today: date) -> list[Period]:
    last = today.year - 1
    return [
        Period.last_twelve_months(today),
        Period(today - timedelta(days=730), today),  # two years, from the middle of a month
        Period(date(last, 1, 1), date(last, 12, 31)),
        Period(date(last, 3, 10), date(last, 8, 20)),
        Period(today.replace(day=1), today),
        Period(today, today),
    ]


def test_it_gives_the_figures_the_entries_give_on_the_seeded_town(monkeypatch):
    call_command("seed_demo", "--households", "60", stdout=StringIO())
    villages = list(Village.objects.order_by("pk"))
    assert Entry.objects.filter(kind=Entry.Kind.REVERSAL, rule__isnull=False).exists()
    today = timezone.localdate()
    readers = [[village] for village in villages] + [villages]

    totals = {(i, p): figures(r, p) for i, r in enumerate(readers) for p in periods(today)}
    from_entries_alone(monkeypatch)
    entries = {(i, p): figures(r, p) for i, r in enumerate(readers) for p in periods(today)}

    assert totals == entries
    # The seeded history is not empty: the comparison compares figures.
    assert any(sides.times for _month, sides in totals[len(readers) - 1, periods(today)[0]][1])


def test_a_period_of_whole_months_reads_no_entry(village_a, a1, alice, award):
    from credits.services import entry_record

    entry_record(household=a1, rule=award, occurred_on=timezone.localdate(), by=alice)

    with CaptureQueriesContext(connection) as captured:
        report = village_report([village_a], Period.last_twelve_months(timezone.localdate()))

    assert report.totals.awarded == 2
    ledger_queries = [q["sql"] for q in captured.captured_queries if "credits_entry" in q["sql"]]
    # None asks the entries: the ledger's figures come from the months' totals, and for a period
    # ending today the participation from each household's latest award (`last_award_on`).
    assert ledger_queries == []


def test_it_splits_a_period_into_whole_months_and_the_days_of_parts():
    today = date(2026, 12, 4)

    assert ledger.split(Period(date(2026, 1, 1), today), today=today) == ((date(2026, 1, 1), date(2026, 12, 1)), [])
    assert ledger.split(Period(date(2025, 2, 15), date(2025, 5, 10)), today=today) == (
        (date(2025, 3, 1), date(2025, 4, 1)),
        [(date(2025, 2, 15), date(2025, 2, 28)), (date(2025, 5, 1), date(2025, 5, 10))],
    )
    assert ledger.split(Period(date(2026, 12, 2), today), today=today) == (None, [(date(2026, 12, 2), today)])


def test_a_month_mostly_covered_is_its_total_less_the_days_left_out(monkeypatch, village_a, a1, a2, alice):
    from credits.models import Domain
    from credits.services import entry_record, entry_reverse
    from tests.factories import RuleFactory

    today = timezone.localdate()
    month = (today.replace(day=1) - timedelta(days=40)).replace(day=1)
    kept = RuleFactory(village=village_a, name="邻里互助", points=2)
    minus = RuleFactory(village=village_a, name="破坏环境", points=-5)
    gone = RuleFactory(village=village_a, name="旧规", points=3)
    for day, household, rule in [(2, a1, kept), (2, a2, minus), (2, a1, gone), (20, a1, kept), (21, a2, minus)]:
        entry_record(household=household, rule=rule, occurred_on=month.replace(day=day), by=alice)
    slip = entry_record(household=a2, rule=kept, occurred_on=month.replace(day=3), by=alice)
    entry_reverse(entry=slip, reason="录错了", by=alice)
    # The rule's domain renamed since: its entries keep the old name, which only they now name.
    old_name = gone.domain.name
    Domain.objects.filter(pk=gone.domain_id).update(name="新领域")
    periods = [
        Period(month.replace(day=5), month.replace(day=28)),  # days 1–4 and 29– left out
        Period(month.replace(day=2), today),  # the rest of the month and every month after
        Period(month.replace(day=10), month.replace(day=20)),  # read from the entries: fewer days
    ]
    left_out = []
    complements = ledger.complements
    monkeypatch.setattr(
        ledger, "complements", lambda *a, **k: left_out.append(complements(*a, **k)[2]) or complements(*a, **k)
    )

    totals = {period: figures([village_a], period) for period in periods}
    from_entries_alone(monkeypatch)
    entries = {period: figures([village_a], period) for period in periods}

    assert totals == entries
    assert left_out[0] and left_out[1] and not left_out[2], left_out
    # Its only entry fell on a day left out: the old name is not in the period.
    assert old_name not in dict(totals[periods[0]][0])
    assert old_name in dict(totals[periods[1]][0])
