"""Where a household stands in its village: rank by score and by this year's points, equal shares equal."""

import datetime

import pytest
from django.utils import timezone

from credits.selectors import standing
from credits.services import entry_adjust, entry_record
from households.models import StarLevel
from households.selectors import star_levels, stars_for
from households.services import household_close
from tests.factories import RuleFactory, open_household

pytestmark = pytest.mark.django_db


def this_year() -> int:
    return timezone.localdate().year


def opened(village, clerk, *, score=100, year_points=0):
    """A household with `score`, of which `year_points` were earned this year and the rest before."""
    household = open_household(village, by=clerk, opening_points=score - year_points)
    if year_points:
        entry_adjust(household=household, points=year_points, reason="测试", by=clerk)
    household.refresh_from_db()
    return household


def ranks(households, *, year=None) -> list[tuple[int, int]]:
    year = year or this_year()
    result = []
    for household in households:
        household.refresh_from_db()
        mine = standing(household, year=year)
        result.append((mine.rank, mine.year_rank))
    return result


def test_it_gives_equal_scores_a_shared_rank(village_a, alice):
    households = [opened(village_a, alice, score=score) for score in (130, 120, 120, 110)]

    assert [rank for rank, _year in ranks(households)] == [1, 2, 2, 4]


def test_it_ranks_this_years_points_with_ties_and_households_without_entries(village_a, alice, award, deduction):
    four, two, also_two = (opened(village_a, alice, year_points=points) for points in (4, 2, 2))
    nothing = opened(village_a, alice)  # no entry this year: 0 points, and no row for the year
    netted = opened(village_a, alice)
    today = timezone.localdate()
    entry_record(household=netted, rule=RuleFactory(points=5), occurred_on=today, by=alice)
    entry_record(household=netted, rule=deduction, occurred_on=today, by=alice)  # +5 −5: 0 points, with a row
    minus = opened(village_a, alice)
    entry_record(household=minus, rule=deduction, occurred_on=today, by=alice)

    year_ranks = [year_rank for _rank, year_rank in ranks([four, two, also_two, nothing, netted, minus])]

    assert year_ranks == [1, 2, 2, 4, 4, 6]
    minus.refresh_from_db()
    assert standing(minus, year=this_year()).year_points == -5


def test_it_ranks_two_negative_years_behind_everyone_else(village_a, alice):
    ahead = opened(village_a, alice)  # nothing this year
    worse, worst, also_worst = (opened(village_a, alice, year_points=points) for points in (-2, -7, -7))

    assert [year_rank for _rank, year_rank in ranks([ahead, worse, worst, also_worst])] == [1, 2, 3, 3]


def test_it_counts_only_the_given_years_points(village_a, alice, award):
    last_year = datetime.date(this_year() - 1, 6, 1)
    household = open_household(village_a, by=alice, opened_on=last_year)
    for _ in range(3):
        entry_record(household=household, rule=award, occurred_on=last_year, by=alice)
    other = opened(village_a, alice, year_points=1)
    household.refresh_from_db()

    mine = standing(household, year=this_year())
    assert (mine.year_points, mine.year_rank, mine.rank) == (0, 2, 1)
    assert standing(household, year=this_year() - 1).year_points == 6
    assert standing(other, year=this_year() - 1).year_rank == 2


def test_it_leaves_closed_households_and_other_villages_out_of_the_ranking(village_a, village_b, alice, bob):
    first = opened(village_a, alice, score=130, year_points=30)
    household_close(household=opened(village_a, alice, score=200, year_points=100), by=alice)
    opened(village_b, bob, score=300, year_points=200)

    mine = standing(first, year=this_year())

    assert (mine.rank, mine.year_rank, mine.households) == (1, 1, 1)


def test_it_gives_the_stars_of_the_households_village(village_a, village_b, alice, bob):
    StarLevel.objects.create(village=village_b, stars=1, min_score=90)
    StarLevel.objects.create(village=village_b, stars=2, min_score=100)

    def stars(household):
        return stars_for(household.score, star_levels(household.village_id))

    assert stars(opened(village_a, alice, score=125)) == 2
    assert stars(opened(village_b, bob, score=100)) == 2
    assert stars(opened(village_a, alice, score=100)) == 0


def test_it_leaves_closed_households_out_when_this_years_points_are_negative(village_a, alice):
    behind = opened(village_a, alice, year_points=-5)
    nothing_yet = opened(village_a, alice)
    household_close(household=opened(village_a, alice, year_points=-10), by=alice)
    household_close(household=opened(village_a, alice, year_points=8), by=alice)

    # Both scores are 100 (a shared rank); this year 0 is ahead of −5, and the closed stay out.
    assert ranks([nothing_yet, behind]) == [(1, 1), (1, 2)]
    assert standing(behind, year=this_year()).households == 2


@pytest.mark.parametrize("points", [3, -4])
def test_it_reads_the_standing_in_one_query_given_the_years_points(
    village_a, alice, points, django_assert_num_queries
):
    household = opened(village_a, alice, year_points=points)
    opened(village_a, alice, year_points=1)
    household_close(household=opened(village_a, alice, year_points=-9), by=alice)

    with django_assert_num_queries(1):
        given = standing(household, year=this_year(), year_points=points)

    assert given == standing(household, year=this_year())
    assert (given.year_points, given.year_rank, given.households) == (points, 1 if points > 1 else 2, 2)
