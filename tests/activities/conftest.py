"""Activities in the fixed world: 农丰村's clean-up day, published by Alice through the service."""

import datetime as dt

import pytest
from django.utils import timezone

from activities.services import activity_create
from tests.api.conftest import api  # noqa: F401 (the API's client, a fixture)
from tests.factories import ShopFactory, UserFactory


def publish(village, *, by, rule, held_on=None, **fields):
    """An activity published through the service; today's, with sign-up open until the day's very
    end (not an hour before: a deadline at 23:00 made every self sign-up fail when the suite ran
    in the evening's last hour)."""
    held_on = held_on or timezone.localdate()
    fields.setdefault("title", "清理河道")
    fields.setdefault("place", "村口石桥")
    fields.setdefault("signup_until", timezone.make_aware(dt.datetime.combine(held_on, dt.time.max)))
    return activity_create(village=village, by=by, rule=rule, held_on=held_on, **fields)


@pytest.fixture
def cleanup(village_a, alice, award):
    """Today's river clean-up in 农丰村, awarding `award` (+2), for at most 3 households."""
    return publish(village_a, by=alice, rule=award, capacity=3)


def village_helper(village, username="helper"):
    """Staff who works for the village without being its clerk: the keeper of one of its shops, whom
    a clerk may name an activity's organiser."""
    user = UserFactory(username=username)
    ShopFactory(village=village, name="活动帮手的超市").shopkeepers.add(user)
    return user
