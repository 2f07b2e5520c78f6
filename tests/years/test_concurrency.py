"""A close racing the ledger's writers, on file SQLite and on PostgreSQL: every entry dated into the
year either landed before the close (and is in its figures) or is refused, never half."""

import pytest

from credits.errors import YearClosed
from credits.selectors import ledger_differences, year_score_differences
from credits.services import entry_record
from households.models import Household
from tests.credits.ledger import last_year
from tests.threads import run_together
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
