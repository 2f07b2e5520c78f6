"""Closing one activity through the API from several clients at once makes one set of entries: one
answer with the entries, the others refused as closed. Real threads, each on its own connection, on
file SQLite and on PostgreSQL (see tests/credits/test_concurrency)."""

import pytest

from activities.services import check_in
from credits.models import Entry
from tests.activities.conftest import publish
from tests.credits.ledger import reconcile, scores
from tests.factories import UserFactory, open_household
from tests.threads import run_together

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_two_clerks_closing_through_the_api_at_once_make_one_set_of_entries(api, village_a, alice, award):
    carol = UserFactory(username="carol", role="clerk")
    village_a.clerks.add(carol)
    households = [open_household(village_a, by=alice) for _ in range(4)]
    activity = publish(village_a, by=alice, rule=award)
    for household in households:
        check_in(activity=activity, household=household, by=alice)

    def close(user):
        return lambda: api(user).post(f"/api/activities/{activity.pk}/close/")

    results, errors = run_together(close(alice), close(carol), close(alice), close(carol))

    assert errors == [None] * 4
    assert sorted(response.status_code for response in results) == [200, 409, 409, 409]
    assert {response.json()["code"] for response in results if response.status_code == 409} == {"activity_closed"}
    (done,) = [response.json() for response in results if response.status_code == 200]
    assert done["count"] == 4
    assert Entry.objects.filter(kind=Entry.Kind.AWARD).count() == 4
    assert scores(*households) == [(102, 102)] * 4
    assert "agree" in reconcile()


def test_twins_closing_with_one_key_get_one_answer(api, village_a, alice, award):
    household = open_household(village_a, by=alice)
    activity = publish(village_a, by=alice, rule=award)
    check_in(activity=activity, household=household, by=alice)

    def close():
        return api(alice).post(f"/api/activities/{activity.pk}/close/", HTTP_IDEMPOTENCY_KEY="close-once")

    results, errors = run_together(close, close, close)

    assert errors == [None] * 3
    assert {response.status_code for response in results} <= {200, 409}
    made = [response.json() for response in results if response.status_code == 200]
    assert made and all(body == made[0] for body in made)
    assert Entry.objects.filter(kind=Entry.Kind.AWARD).count() == 1
    assert "agree" in reconcile()
