"""Two organisers closing one activity at once make one set of entries; the last place goes to
one household. Real threads, on file SQLite and on PostgreSQL (see tests/credits/test_concurrency)."""

import pytest

from activities.errors import ActivityClosed, ActivityFull
from activities.models import Activity, Signup
from activities.services import activity_close, check_in, signup_create
from credits.models import Entry
from credits.selectors import ledger_differences
from households.models import Household
from tests.activities.conftest import publish
from tests.credits.ledger import scores
from tests.factories import UserFactory, open_household
from tests.threads import run_together

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_it_closes_once_when_two_clerks_close_at_once(village_a, alice, award):
    second_clerk = UserFactory(username="carol", role="clerk")
    village_a.clerks.add(second_clerk)
    households = [open_household(village_a, by=alice) for _ in range(5)]
    activity = publish(village_a, by=alice, rule=award)
    for household in households:
        check_in(activity=activity, household=household, by=alice)

    def close(user):
        return lambda: activity_close(activity=Activity.objects.get(pk=activity.pk), by=user)

    results, errors = run_together(close(alice), close(second_clerk), close(alice), close(second_clerk))

    assert sum(result is not None for result in results) == 1
    assert all(isinstance(error, ActivityClosed) for error in errors if error)
    assert Entry.objects.filter(kind=Entry.Kind.AWARD, rule__key=award.key).count() == 5
    assert scores(*households) == [(102, 102)] * 5
    assert Signup.objects.filter(activity=activity, entry__isnull=False).count() == 5
    assert ledger_differences() == []


def test_the_last_place_goes_to_one_household(village_a, alice, award):
    households = [open_household(village_a, by=alice) for _ in range(6)]
    activity = publish(village_a, by=alice, rule=award, capacity=2)

    def sign_up(household):
        return lambda: signup_create(
            activity=Activity.objects.get(pk=activity.pk), household=Household.objects.get(pk=household.pk)
        )

    results, errors = run_together(*[sign_up(household) for household in households])

    assert sum(result is not None for result in results) == 2
    assert sorted(type(error).__name__ for error in errors if error) == [ActivityFull.__name__] * 4
    assert Signup.objects.filter(activity=activity).count() == 2
