"""A year of deeds in 农丰村 for the selections: a1 earned 6 points last year, a2 4, a3 4 but with a
veto entry (红白事大操大办); 百步镇 lies in 海盐县 and has a quota of one town title."""

from datetime import timedelta

import pytest

from credits.services import entry_record
from tests.credits.ledger import last_year, today
from tests.factories import RuleFactory, UserFactory, open_household
from titles.models import Quota


@pytest.fixture
def wedding(village_a):
    return RuleFactory(village=village_a, name="红白事大操大办", points=-20)


@pytest.fixture
def a3(village_a, alice):
    return open_household(village_a, by=alice, number="0003", head_name="陈小红")


@pytest.fixture
def year(a1, a2, a3, alice, award, wedding):
    for household, times in ((a1, 3), (a2, 2), (a3, 12)):
        for _ in range(times):
            entry_record(household=household, rule=award, occurred_on=last_year(), by=alice)
    entry_record(household=a3, rule=wedding, occurred_on=last_year(), by=alice)
    return last_year().year


@pytest.fixture
def root(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def town_quota(town, county, year):
    return Quota.objects.create(town=town, year=year, places=1)


@pytest.fixture
def county_quota(county, year):
    return Quota.objects.create(county=county, year=year, places=1)


def after_notice():
    """A moment two days on, when a notice that ran until today is over."""
    from django.utils import timezone

    return timezone.now() + timedelta(days=2)


@pytest.fixture
def awarded(village_a, year, alice):
    """The village titles of last year awarded to a1 and a2 (a3 vetoed)."""
    from titles.services import selection_award, selection_confirm, selection_create, selection_publish

    selection = selection_create(village=village_a, year=year, by=alice)
    selection_confirm(selection=selection, by=alice)
    selection_publish(selection=selection, by=alice, notice_until=today())
    return selection_award(selection=selection, by=alice, at=after_notice())
