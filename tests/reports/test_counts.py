"""The report's counts of households read from cached figures give what the plain definitions give.

Each test builds households in every state that matters (awarded, deducted, reversed, closed, none
recorded) and compares the report with the figure computed here household by household.
"""

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from credits.models import Entry, YearScore
from credits.services import entry_adjust, entry_record, entry_record_batch, entry_reverse
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


def taking_part_one_by_one(villages, period: Period) -> dict[int, int]:
    """Each village's open households with an award in the period that no reversal undoes, asked of
    the entries household by household."""
    counts = Counter()
    for household in Household.objects.filter(village__in=villages, active=True):
        awards = household.entries.filter(
            kind=Entry.Kind.AWARD, occurred_on__gte=period.start, occurred_on__lte=period.end, reversal__isnull=True
        )
        counts[household.village_id] += awards.exists()
    return {village.pk: counts[village.pk] for village in villages}


def undone(household, rule, day, *, by):
    """An award recorded and then reversed."""
    entry_reverse(entry=entry_record(household=household, rule=rule, occurred_on=day, by=by), reason="录错了", by=by)


def test_taking_part_counts_what_the_entries_say_for_periods_ending_today_and_before(
    village_a, village_b, alice, bob, a1, a2, b1
):
    today = timezone.localdate()
    award = RuleFactory(village=village_a, name="邻里互助", points=2)
    minus = RuleFactory(village=village_a, name="破坏环境", points=-5)
    award_b = RuleFactory(village=village_b, name="志愿服务", points=3)
    month_ago, two_months_ago = today - timedelta(days=30), today - timedelta(days=60)
    # a1: awards two months and a month ago, and today.
    for day in (two_months_ago, month_ago, today):
        entry_record(household=a1, rule=award, occurred_on=day, by=alice)
    # a2: its latest award (today) undone: a month ago is its latest again.
    entry_record(household=a2, rule=award, occurred_on=month_ago, by=alice)
    undone(a2, award, today, by=alice)
    # Its only award undone: none left.
    only = open_household(village_a, by=alice)
    undone(only, award, today, by=alice)
    # An older award undone: the latest stays.
    older = open_household(village_a, by=alice)
    entry_record(household=older, rule=award, occurred_on=today, by=alice)
    undone(older, award, month_ago, by=alice)
    # Two awards of one day, one of them undone: that day stays.
    twice = open_household(village_a, by=alice)
    entry_record(household=twice, rule=award, occurred_on=month_ago, by=alice)
    undone(twice, award, month_ago, by=alice)
    # Deducted and adjusted, never awarded.
    other = open_household(village_a, by=alice)
    entry_record(household=other, rule=minus, occurred_on=today, by=alice)
    entry_adjust(household=other, points=3, reason="补记", by=alice)
    # Awarded as a batch, then one of them closed.
    batch = [open_household(village_a, by=alice) for _ in range(3)]
    entry_record_batch(households=batch, rule=award, occurred_on=two_months_ago, by=alice)
    household_close(household=batch[0], by=alice)
    entry_record(household=b1, rule=award_b, occurred_on=month_ago, by=bob)
    villages = [village_a, village_b]
    periods = [
        Period.last_twelve_months(today),
        Period(today, today),
        Period(today - timedelta(days=7), today + timedelta(days=30)),
        Period(month_ago, today),
        Period(month_ago + timedelta(days=1), today),
        Period(two_months_ago, month_ago),
        Period(two_months_ago, today - timedelta(days=1)),
        Period(month_ago + timedelta(days=1), today - timedelta(days=1)),
    ]

    for period in periods:
        report = village_report(villages, period)

        expected = taking_part_one_by_one(villages, period)
        assert {figures.village.pk: figures.participating for figures in report.comparison} == expected, period
        assert sum(group.participating for group in report.groups) == sum(expected.values())
    last_year = village_report(villages, periods[0])
    assert [figures.participating for figures in last_year.comparison] == [6, 1]


def test_taking_part_leaves_out_a_closed_household_however_recent_its_award(village_a, alice, a1, a2):
    today = timezone.localdate()
    award = RuleFactory(village=village_a, name="邻里互助", points=2)
    entry_record(household=a1, rule=award, occurred_on=today, by=alice)
    entry_record(household=a2, rule=award, occurred_on=today, by=alice)
    household_close(household=a2, by=alice)

    report = village_report([village_a], Period.last_twelve_months(today))

    assert (report.households, report.participating) == (1, 1)
