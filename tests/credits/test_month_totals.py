"""The months' totals: every service that writes entries moves them in the same transaction, the
migration fills them from an older ledger, and `reconcile` proves them."""

from datetime import date
from types import SimpleNamespace

import pytest
from django.db import connection

from credits.models import Entry, MonthTotal
from credits.month_sums import month_total_differences
from credits.services import (
    entry_adjust,
    entry_record,
    entry_record_batch,
    entry_reverse,
    household_open,
)
from exchange.services import redemption_void
from tests.credits.ledger import last_year, reconcile, refused_reconcile, today
from tests.exchange.conftest import redeem, restock
from tests.factories import ProductFactory
from years.models import YearClose
from years.services import year_close

pytestmark = pytest.mark.django_db

Kind = Entry.Kind


def totals(village) -> dict[tuple, tuple[int, int]]:
    """(year, month, kind, in score, positive, domain, rule) → (count, points) of a village."""
    rows = MonthTotal.objects.filter(village=village).exclude(count=0, points=0)
    return {
        (t.year, t.month, t.kind, t.in_score, t.positive, t.domain_name, t.rule_name): (t.count, t.points)
        for t in rows
    }


def test_it_counts_each_entry_in_the_month_of_its_deed_under_what_it_recorded(
    village_a, a1, a2, alice, award, deduction
):
    on = today()
    entry_record(household=a1, rule=award, occurred_on=on, by=alice)
    entry_record_batch(households=[a1, a2], rule=award, occurred_on=on, by=alice)
    fined = entry_record(household=a2, rule=deduction, occurred_on=last_year(), by=alice)
    entry_reverse(entry=fined, reason="记错了", by=alice)
    entry_adjust(household=a1, points=-3, reason="更正", by=alice)

    got = totals(village_a)

    domain = award.domain.name
    y, m = on.year, on.month
    assert got[y, m, Kind.AWARD, True, True, domain, award.name] == (3, 6)
    ly, lm = last_year().year, last_year().month
    fine = deduction.domain.name, deduction.name
    assert got[ly, lm, Kind.DEDUCTION, True, False, *fine] == (1, deduction.points)
    # The reversal in the month of the deed it undoes, under the rule that deed recorded.
    assert got[ly, lm, Kind.REVERSAL, True, True, *fine] == (1, -deduction.points)
    assert got[y, m, Kind.ADJUSTMENT, True, False, "", ""] == (1, -3)
    opened = a1.entries.get(kind=Kind.OPENING).occurred_on
    assert got[opened.year, opened.month, Kind.OPENING, True, True, "", ""] == (2, 200)
    assert month_total_differences() == []


def test_it_counts_a_new_household_and_the_shops_spending_and_refunds(village_a, alice, shop_a):
    household = household_open(village=village_a, number="88", head_name="王芳", by=alice)
    soap = ProductFactory(shop=shop_a, name="肥皂", price=10)
    restock(soap, 5)
    redemption = redeem(shop_a, household, (soap, 2))
    redemption_void(redemption=redemption, reason="退货", by=alice)

    got = totals(village_a)

    y, m = today().year, today().month
    assert got[y, m, Kind.REDEMPTION, False, False, "", ""] == (1, -20)
    assert got[y, m, Kind.REVERSAL, False, True, "", ""] == (1, 20)
    assert got[y, m, Kind.OPENING, True, True, "", ""] == (1, 100)
    assert month_total_differences() == []


def test_it_counts_what_a_year_close_writes(village_a, a1, a2, alice, award):
    for household in (a1, a1, a2):
        entry_record(household=household, rule=award, occurred_on=last_year(), by=alice)
    year = last_year().year

    year_close(
        village=village_a,
        year=year,
        by=alice,
        score_start=YearClose.ScoreStart.RESTART,
        balance_start=YearClose.BalanceStart.EXPIRE,
        expire_percent=100,
        expire_on=today(),
    )

    got = totals(village_a)
    assert got[year + 1, 1, Kind.RESTART, True, False, "", ""] == (2, -6)
    assert got[year + 1, 1, Kind.CARRYOVER, False, True, "", ""] == (2, 6)
    assert got[today().year, today().month, Kind.EXPIRY, False, False, "", ""] == (2, -206)
    assert month_total_differences() == []
    assert "agree" in reconcile()


def test_reconcile_catches_a_wrong_missing_or_stray_months_total(village_a, village_b, a1, alice, award):
    entry_record(household=a1, rule=award, occurred_on=today(), by=alice)
    on = today()
    MonthTotal.objects.filter(village=village_a, kind=Kind.AWARD).update(count=5)
    MonthTotal.objects.filter(village=village_a, kind=Kind.OPENING).delete()
    MonthTotal.objects.create(
        village=village_b, year=2020, month=2, kind=Kind.AWARD, in_score=True, positive=True, count=1, points=9
    )

    error, out = refused_reconcile()

    assert "3 differences" in str(error)
    assert f"{village_a.code} {on.year}-{on.month:02d}, award {award.domain.name} / {award.name}" in out
    assert "say 5 entries of 2 points but the entries are 1 of 2" in out
    assert "say 0 entries of 0 points but the entries are 1 of 100" in out
    assert f"{village_b.code} 2020-02, award -: the month's totals say 1 entries of 9 points" in out


def test_the_migration_fills_the_totals_from_the_entries_already_there(village_a, village_b, a1, b1, alice, award):
    from importlib import import_module

    fill = import_module("credits.migrations.0017_month_totals").fill
    entry_record(household=a1, rule=award, occurred_on=date(today().year, 1, 1), by=alice)
    entry_record(household=a1, rule=award, occurred_on=today(), by=alice)
    before = {village: totals(village) for village in (village_a, village_b)}
    MonthTotal.objects.all().delete()

    # The migration reads only its schema editor's connection.
    fill(None, SimpleNamespace(connection=connection))

    assert {village: totals(village) for village in (village_a, village_b)} == before
    assert month_total_differences() == []
