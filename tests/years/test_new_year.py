"""What the new year starts with: the score carries on or restarts at the base; the balance carries
on or expires, in whole or in part, on a chosen date. Every change is an entry in the ledger."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command

from credits.errors import NotReversible
from credits.models import Entry
from credits.selectors import chain_breaks, ledger_differences, year_score_differences
from credits.services import entry_adjust, entry_record, entry_reverse
from tests.credits.ledger import last_year, reconcile, scores, today
from tests.exchange.conftest import redeem, restock
from tests.factories import ProductFactory
from years.errors import BadExpiry, BalanceAlreadyExpired
from years.models import YearClose
from years.selectors import year_figures
from years.services import year_close, year_expire_due, year_reopen

pytestmark = pytest.mark.django_db

Kind = Entry.Kind


@pytest.fixture
def year(a1, a2, alice, award):
    """Last year a1 earned 10 points and a2 4; this year a1 earned 2 more."""
    for household, times in ((a1, 5), (a2, 2)):
        for _ in range(times):
            entry_record(household=household, rule=award, occurred_on=last_year(), by=alice)
    entry_record(household=a1, rule=award, occurred_on=today(), by=alice)
    return last_year().year


def assert_books_clean():
    assert ledger_differences() == []
    assert year_score_differences() == []
    assert list(chain_breaks()) == []
    assert "agree" in reconcile()


def test_by_default_the_score_and_balance_carry_on(village_a, year, alice, a1, a2):
    entries = Entry.objects.count()

    year_close(village=village_a, year=year, by=alice)

    assert scores(a1, a2) == [(112, 112), (104, 104)]
    assert Entry.objects.count() == entries


def test_a_restart_sets_the_score_to_the_base_plus_the_new_years_points_and_keeps_the_balance(
    village_a, year, alice, a1, a2
):
    year_close(village=village_a, year=year, by=alice, score_start=YearClose.ScoreStart.RESTART)

    assert scores(a1, a2) == [(102, 112), (100, 104)]
    restart, carry = a1.entries.filter(kind__in=[Kind.RESTART, Kind.CARRYOVER]).order_by("id")
    assert (restart.points, restart.in_score, restart.occurred_on) == (-10, True, date(year + 1, 1, 1))
    assert (carry.points, carry.in_score) == (10, False)
    assert str(year) in restart.note
    # The restart is the base of the new year, not points earned in it.
    assert {f.household_id: f.points for f in year_figures(village_a, year + 1)} == {a1.pk: 2, a2.pk: 0}
    assert_books_clean()


def test_restart_and_carry_over_cannot_be_reversed(village_a, year, alice, a1):
    year_close(village=village_a, year=year, by=alice, score_start=YearClose.ScoreStart.RESTART)
    restart = a1.entries.get(kind=Kind.RESTART)

    with pytest.raises(NotReversible):
        entry_reverse(entry=restart, reason="不要重置", by=alice)

    assert scores(a1) == [(102, 112)]


def test_the_whole_balance_expires_at_once_when_its_day_has_come(village_a, year, alice, a1, a2):
    year_close(
        village=village_a,
        year=year,
        by=alice,
        balance_start=YearClose.BalanceStart.EXPIRE,
        expire_percent=100,
        expire_on=today(),
    )

    assert scores(a1, a2) == [(112, 0), (104, 0)]
    expiry = a1.entries.get(kind=Kind.EXPIRY)
    assert (expiry.points, expiry.in_score, expiry.occurred_on) == (-112, False, today())
    assert YearClose.objects.get().expired_at is not None
    assert_books_clean()


def test_part_of_the_balance_expires_on_a_later_date_less_what_was_spent_meanwhile(
    village_a, year, alice, a1, a2, shop_a
):
    soap = ProductFactory(shop=shop_a, name="食用油", price=30)
    restock(soap, 5)
    later = today() + timedelta(days=30)
    if later.year == year:  # pragma: no cover - the close needs a date after the year
        later = date(year + 1, 3, 31)
    year_close(
        village=village_a,
        year=year,
        by=alice,
        balance_start=YearClose.BalanceStart.EXPIRE,
        expire_percent=50,
        expire_on=later,
    )
    assert scores(a1, a2) == [(112, 112), (104, 104)]
    redeem(shop_a, a1, (soap, 1))

    assert year_expire_due(today=today()) == []
    (done,) = year_expire_due(today=later)

    # Half of 112 is 56, of which a1 spent 30 first; half of 104 is 52.
    assert scores(a1, a2) == [(112, 112 - 30 - 26), (104, 52)]
    assert done.expired_at is not None
    assert year_expire_due(today=later) == []
    assert_books_clean()


def test_the_expiry_command_writes_what_is_due_once(village_a, year, alice, a1, a2, capsys):
    close = year_close(
        village=village_a,
        year=year,
        by=alice,
        balance_start=YearClose.BalanceStart.EXPIRE,
        expire_percent=10,
        expire_on=date(year + 1, 1, 2) if date(year + 1, 1, 2) <= today() else today(),
    )
    close.refresh_from_db()
    assert close.expired_at is not None
    call_command("expire_balances")

    assert a1.entries.filter(kind=Kind.EXPIRY).count() == 1
    assert scores(a1) == [(112, 112 - 11)]


def test_an_expiry_never_takes_a_balance_below_zero(village_a, year, alice, a1, a2):
    entry_adjust(household=a1, points=-100, reason="今年大额扣分", by=alice)

    year_close(
        village=village_a,
        year=year,
        by=alice,
        balance_start=YearClose.BalanceStart.EXPIRE,
        expire_percent=100,
        expire_on=today(),
    )

    assert scores(a1) == [(12, 0)]


@pytest.mark.parametrize(
    ("percent", "expire_on"),
    [(None, None), (0, "next"), (101, "next"), (50, None), (50, "same")],
)
def test_it_refuses_an_incomplete_expiry_and_closes_nothing(village_a, year, alice, a1, percent, expire_on):
    day = {"next": today(), "same": date(year, 12, 31), None: None}[expire_on]

    with pytest.raises(BadExpiry):
        year_close(
            village=village_a,
            year=year,
            by=alice,
            balance_start=YearClose.BalanceStart.EXPIRE,
            expire_percent=percent,
            expire_on=day,
        )

    assert not YearClose.objects.exists()
    assert village_a.households.first().entries.filter(kind=Kind.EXPIRY).count() == 0


def test_a_reopened_and_closed_again_year_restarts_and_expires_only_once(village_a, year, alice, a1, a2, root):
    first = year_close(
        village=village_a,
        year=year,
        by=alice,
        score_start=YearClose.ScoreStart.RESTART,
        balance_start=YearClose.BalanceStart.EXPIRE,
        expire_percent=100,
        expire_on=today(),
    )
    year_reopen(close=first, reason="补记漏掉的奖励", by=root)

    with pytest.raises(BalanceAlreadyExpired):
        year_close(
            village=village_a,
            year=year,
            by=alice,
            balance_start=YearClose.BalanceStart.EXPIRE,
            expire_percent=100,
            expire_on=today(),
        )
    year_close(village=village_a, year=year, by=alice, score_start=YearClose.ScoreStart.RESTART)

    assert a1.entries.filter(kind=Kind.RESTART).count() == 1
    assert a1.entries.filter(kind=Kind.EXPIRY).count() == 1
    assert scores(a1, a2) == [(102, 0), (100, 0)]
    assert_books_clean()


@pytest.fixture
def root(db):
    from tests.factories import UserFactory

    return UserFactory(username="root", is_superuser=True, is_staff=True)
