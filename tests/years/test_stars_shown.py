"""Stars are read from the year's points wherever they are shown, and a closed year's as frozen."""

from datetime import date

import pytest
from django.urls import reverse

from credits.services import entry_adjust
from households.models import StarLevel
from public.selectors import village_board
from tests.credits.ledger import last_year, today
from years.services import year_close

pytestmark = pytest.mark.django_db


@pytest.fixture
def levels(village_a):
    StarLevel.objects.bulk_create(
        [StarLevel(village=village_a, stars=1, min_score=105), StarLevel(village=village_a, stars=2, min_score=120)]
    )


@pytest.fixture
def lifetime(village_a, alice, a1, a2, levels):
    """a1: 30 points last year, 6 this year; a2: 6 this year only."""
    entry_adjust(household=a1, points=30, reason="去年的好事", by=alice, occurred_on=last_year())
    for household in (a1, a2):
        entry_adjust(household=household, points=6, reason="今年的好事", by=alice)


def test_the_lookup_shows_this_years_stars_and_the_closed_years_frozen_ones(client, village_a, alice, a1, lifetime):
    year_close(village=village_a, year=last_year().year, by=alice)
    entry_adjust(household=a1, points=-30, reason="更正去年的记录", by=alice)  # in the open year: the snapshot stays

    page = client.get(reverse("lookup_card", args=[a1.card_token]), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert 'id="lk-stars" title="0 stars"' in page
    assert f"{last_year().year} (closed): ★★" in page


def test_the_board_counts_stars_by_this_years_points(village_a, a1, a2, lifetime):
    board = village_board(village_a)

    assert {row.number: row.stars for row in board.red_list} == {"0001": 1, "0002": 1}
    assert [(count.stars, count.households) for count in board.star_counts] == [(2, 0), (1, 2)]


def test_the_counter_and_the_admin_list_show_this_years_stars(client, sam, shop_a, alice, a1, lifetime):
    client.force_login(sam)
    url = reverse("counter:household", args=[shop_a.pk, a1.pk])
    counter = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="stars" title="1 star"' in counter

    client.force_login(alice)
    households = client.get(reverse("admin:households_household_changelist")).content.decode()
    assert "★★" not in households.split("0001", 1)[1].split("</tr>", 1)[0]


def test_a_year_before_the_scheme_began_has_no_stars(village_a, a1, levels):
    from years.selectors import year_figures

    assert year_figures(village_a, date(today().year - 10, 1, 1).year) == []
