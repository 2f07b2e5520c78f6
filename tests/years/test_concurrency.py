"""A close racing the ledger's writers, on file SQLite and on PostgreSQL: every entry dated into the
year either landed before the close (and is in its figures) or is refused, never half."""

import pytest
from django.utils import timezone

from credits.errors import InsufficientBalance, YearClosed
from credits.selectors import ledger_differences, year_score_differences
from credits.services import entry_record
from exchange.models import Redemption
from households.models import Household
from tests.credits.ledger import last_year
from tests.exchange.conftest import redeem, restock
from tests.factories import ProductFactory
from tests.threads import run_together
from years.models import YearClose
from years.selectors import year_figures
from years.services import year_close

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_entries_racing_the_close_land_before_it_or_are_refused(village_a, alice, a1, a2, award):
    day = last_year()

    def record(household):
        return lambda: entry_record(
            household=Household.objects.get(pk=household.pk), rule=award, occurred_on=day, by=alice
        )

    def close():
        return year_close(village=village_a, year=day.year, by=alice)

    calls = [record(a1), record(a2)] * 6
    results, errors = run_together(*calls[:6], close, *calls[6:])

    assert errors[6] is None
    refused = [error for error in errors if error is not None]
    assert all(isinstance(error, YearClosed) for error in refused)
    landed = {a1.pk: 0, a2.pk: 0}
    for entry in results:
        if entry is not None and hasattr(entry, "household_id"):
            landed[entry.household_id] += 1
    figures = {f.household_id: f.points for f in year_figures(village_a, day.year)}
    assert figures == {pk: 2 * n for pk, n in landed.items()}
    assert sum(landed.values()) + len(refused) == 12
    assert ledger_differences() == [] and year_score_differences() == []


def test_redemptions_racing_a_close_that_expires_the_balance_land_before_it_or_are_refused(
    village_a, alice, a1, a2, award, shop_a
):
    day = last_year()
    for household in (a1, a2):
        entry_record(household=household, rule=award, occurred_on=day, by=alice)
    oil = ProductFactory(shop=shop_a, name="食用油", price=30)
    restock(oil, 10)

    def buy(household):
        return lambda: redeem(shop_a, Household.objects.get(pk=household.pk), (oil, 1))

    def close():
        return year_close(
            village=village_a,
            year=day.year,
            by=alice,
            score_start=YearClose.ScoreStart.RESTART,
            balance_start=YearClose.BalanceStart.EXPIRE,
            expire_percent=100,
            expire_on=timezone.localdate(),
        )

    results, errors = run_together(buy(a1), buy(a2), buy(a1), close, buy(a2), buy(a1), buy(a2))

    assert errors[3] is None
    sold = [result for result in results[:3] + results[4:] if result is not None]
    refused = [error for error in errors if error is not None]
    assert all(isinstance(error, InsufficientBalance) for error in refused)
    assert len(sold) + len(refused) == 6
    oil.refresh_from_db()
    assert oil.stock == 10 - len(sold)
    assert Redemption.objects.count() == len(sold)
    # Whatever landed before the close was spent; the rest of every balance expired with it.
    for household in (a1, a2):
        household.refresh_from_db()
        assert (household.score, household.balance) == (100, 0)
        spent = -sum(household.entries.filter(kind="redemption").values_list("points", flat=True))
        expired = -sum(household.entries.filter(kind="expiry").values_list("points", flat=True))
        assert spent + expired == 102
    assert ledger_differences() == [] and year_score_differences() == []
