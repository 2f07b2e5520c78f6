"""The report's counts of households read from cached figures give what the plain definitions give.

Each test builds households in every state that matters (awarded, deducted, reversed, closed, none
recorded) and compares the report with the figure computed here household by household.
"""

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from credits.models import YearScore
from credits.services import entry_record, entry_reverse
from households.models import Household, StarLevel
from households.selectors import star_levels_of, stars_for_year
from households.services import household_close
from reports.selectors import Period, village_report
from tests.factories import RuleFactory, open_household

pytestmark = pytest.mark.django_db


def stars_one_by_one(villages) -> list[tuple[int, int]]:
    """Each open household's stars from its own row of this year's points (0 without one)."""
    levels = star_levels_of([village.pk for village in villages])
    year = timezone.localdate().year
    counts = Counter()
    for household in Household.objects.filter(village__in=villages, active=True):
        row = YearScore.objects.filter(household=household, year=year).first()
        counts[stars_for_year(row.points if row else 0, levels[household.village_id])] += 1
    most = max(stars for scheme in levels.values() for stars, _min in scheme)
    return [(stars, counts.get(stars, 0)) for stars in range(most + 1)]


def test_the_stars_count_open_households_from_the_years_points(village_a, village_b, alice, bob, a1, a2, b1):
    today = timezone.localdate()
    StarLevel.objects.create(village=village_a, stars=1, min_score=99)
    StarLevel.objects.create(village=village_a, stars=2, min_score=103)
    StarLevel.objects.create(village=village_b, stars=1, min_score=101)
    StarLevel.objects.create(village=village_b, stars=2, min_score=120)
    StarLevel.objects.create(village=village_b, stars=3, min_score=150)
    big = RuleFactory(village=village_a, name="见义勇为", points=20)
    small = RuleFactory(village=village_a, name="邻里互助", points=2)
    minus = RuleFactory(village=village_a, name="破坏环境", points=-5)
    plus_b = RuleFactory(village=village_b, name="志愿服务", points=3)
    entry_record(household=a1, rule=big, occurred_on=today, by=alice)  # 20: two stars
    entry_record(household=a2, rule=minus, occurred_on=today, by=alice)  # -5: none
    mistake = open_household(village_a, by=alice)  # a row of 0 points: one star, like no row
    slip = entry_record(household=mistake, rule=small, occurred_on=today, by=alice)
    entry_reverse(entry=slip, reason="录错了", by=alice)
    open_household(village_a, by=alice)  # no row: one star
    gone = open_household(village_a, by=alice)  # closed with 20 points: not counted
    entry_record(household=gone, rule=big, occurred_on=today, by=alice)
    household_close(household=gone, by=alice)
    gone_empty = open_household(village_a, by=alice)  # closed without a row: not counted
    household_close(household=gone_empty, by=alice)
    entry_record(household=b1, rule=plus_b, occurred_on=today, by=bob)  # 3: one star in 永丰村
    open_household(village_b, by=bob)  # no row: none in 永丰村
    villages = [village_a, village_b]

    stars = village_report(villages, Period.last_twelve_months(today)).stars

    assert stars == stars_one_by_one(villages) == [(0, 2), (1, 3), (2, 1), (3, 0)]


def test_the_stars_of_a_village_without_households_are_none(village_a):
    stars = village_report([village_a], Period.last_twelve_months(timezone.localdate() - timedelta(days=1))).stars

    assert sum(n for _stars, n in stars) == 0
