"""Cancelling an activity and saving a ticked list, through the services."""

import pytest

from activities.errors import ActivityCancelled, ActivityClosed, BadActivity, NotOrganiser
from activities.services import (
    activity_cancel,
    activity_close,
    check_in,
    check_in_list,
    signup_create,
)
from households.errors import NotYours
from tests.credits.ledger import scores

pytestmark = pytest.mark.django_db


def test_a_cancelled_activity_awards_nothing_and_takes_nothing_more(cleanup, alice, a1, a2):
    check_in(activity=cleanup, household=a1, by=alice)
    activity_cancel(activity=cleanup, by=alice)
    assert cleanup.cancelled and not cleanup.signup_open
    for attempt in (
        lambda: activity_close(activity=cleanup, by=alice),
        lambda: activity_cancel(activity=cleanup, by=alice),
        lambda: signup_create(activity=cleanup, household=a2),
        lambda: check_in(activity=cleanup, household=a2, by=alice),
    ):
        with pytest.raises(ActivityCancelled):
            attempt()
    assert scores(a1) == [(100, 100)]


def test_a_closed_activity_cannot_be_cancelled(cleanup, alice):
    activity_close(activity=cleanup, by=alice)
    with pytest.raises(ActivityClosed):
        activity_cancel(activity=cleanup, by=alice)


def test_only_the_villages_clerk_cancels(cleanup, bob, olivia):
    for user in (bob, olivia):
        with pytest.raises(NotYours):
            activity_cancel(activity=cleanup, by=user)
    cleanup.refresh_from_db()
    assert not cleanup.cancelled


def test_a_ticked_list_checks_in_and_unticks_at_once(cleanup, alice, a1, a2):
    one = signup_create(activity=cleanup, household=a1)
    two = signup_create(activity=cleanup, household=a2)
    check_in(activity=cleanup, household=a2, by=alice)
    assert check_in_list(activity=cleanup, present={one.pk}, by=alice) == (1, 1)
    one.refresh_from_db(), two.refresh_from_db()
    assert (one.checked_in, two.checked_in, one.checked_in_by) == (True, False, alice)


def test_a_list_naming_another_activitys_signup_changes_nothing(cleanup, alice, a1, village_a, award):
    from tests.activities.conftest import publish

    other = publish(village_a, by=alice, rule=award, title="村民议事")
    stray = signup_create(activity=other, household=a1)
    mine = signup_create(activity=cleanup, household=a1)
    with pytest.raises(BadActivity):
        check_in_list(activity=cleanup, present={mine.pk, stray.pk}, by=alice)
    mine.refresh_from_db()
    assert not mine.checked_in


def test_a_stranger_cannot_save_a_list(cleanup, a1, bob):
    one = signup_create(activity=cleanup, household=a1)
    with pytest.raises(NotOrganiser):
        check_in_list(activity=cleanup, present={one.pk}, by=bob)
