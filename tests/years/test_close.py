"""Closing a village's year: the figures frozen, nothing dated into it afterwards, reopening kept."""

from datetime import date

import pytest
from django.db import DatabaseError, transaction

from credits.errors import BatchRefused, BeforeOpening, ReasonRequired, YearClosed
from credits.services import entry_adjust, entry_record, entry_record_batch, entry_reverse, household_open
from households.errors import NotYours
from households.models import StarLevel
from tests.credits.ledger import last_year, reconcile, scores, today
from tests.factories import UserFactory, open_household
from years.errors import ReopenNotAllowed, YearAlreadyClosed, YearNotLatest, YearNotOver, YearOutOfOrder
from years.models import YearClose, YearSnapshot
from years.selectors import HouseholdYear, year_figures, year_is_closed
from years.services import year_close, year_reopen

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def a3(village_a, alice):
    return open_household(village_a, by=alice, number="0003", head_name="陈小红")


@pytest.fixture
def year_of_deeds(a1, a2, a3, alice, award):
    """Last year a1 earned 6 points, a2 and a3 4 each; this year a3 earned 2."""
    for household, times in ((a1, 3), (a2, 2), (a3, 2)):
        for _ in range(times):
            entry_record(household=household, rule=award, occurred_on=last_year(), by=alice)
    entry_record(household=a3, rule=award, occurred_on=today(), by=alice)
    return last_year().year


def test_it_reads_the_years_figures_live_while_the_year_is_open(village_a, year_of_deeds, a1, a2, a3):
    figures = year_figures(village_a, year_of_deeds)

    assert [(f.number, f.points, f.rank, f.frozen) for f in figures] == [
        ("0001", 6, 1, False),
        ("0002", 4, 2, False),
        ("0003", 4, 2, False),
    ]
    assert not year_is_closed(village_a, year_of_deeds)


def test_it_reads_stars_from_the_years_points_not_the_lifetime(village_a, year_of_deeds, a1, alice):
    StarLevel.objects.bulk_create(
        [StarLevel(village=village_a, stars=1, min_score=104), StarLevel(village=village_a, stars=2, min_score=106)]
    )
    # A large lifetime score earned in an older year does not make last year's stars.
    entry_adjust(household=a1, points=50, reason="前年的表彰", by=alice, occurred_on=date(year_of_deeds - 1, 3, 1))

    stars = {f.number: f.stars for f in year_figures(village_a, year_of_deeds)}

    assert stars == {"0001": 2, "0002": 1, "0003": 1}
    assert {f.number: f.stars for f in year_figures(village_a, year_of_deeds - 1)}["0001"] == 2


def test_it_freezes_every_households_points_rank_and_stars_at_the_close(village_a, year_of_deeds, alice, a1):
    close = year_close(village=village_a, year=year_of_deeds, by=alice)

    figures = year_figures(village_a, year_of_deeds)
    assert [(f.number, f.points, f.rank, f.frozen) for f in figures] == [
        ("0001", 6, 1, True),
        ("0002", 4, 2, True),
        ("0003", 4, 2, True),
    ]
    assert year_is_closed(village_a, year_of_deeds)
    assert (close.households, close.points, close.closed_by) == (3, 14, alice)
    assert YearSnapshot.objects.get(close=close, household=a1).score == 106


def test_a_closed_years_figures_never_change(village_a, year_of_deeds, alice, a1, award):
    year_close(village=village_a, year=year_of_deeds, by=alice)
    before = year_figures(village_a, year_of_deeds)

    entry_adjust(household=a1, points=-20, reason="今年的更正", by=alice)
    a1.head_name = "应美华"
    a1.save()

    assert year_figures(village_a, year_of_deeds) == before
    row = YearSnapshot.objects.filter(household=a1).first()
    with pytest.raises(DatabaseError), transaction.atomic():
        YearSnapshot.objects.filter(pk=row.pk).update(points=99)
    with pytest.raises(DatabaseError), transaction.atomic():
        YearSnapshot.objects.filter(pk=row.pk).delete()


def test_it_refuses_every_write_dated_into_a_closed_year_and_changes_nothing(
    village_a, year_of_deeds, alice, a1, a2, award
):
    mistake = a1.entries.filter(kind="award").first()
    year_close(village=village_a, year=year_of_deeds, by=alice)
    before = scores(a1, a2)
    day = date(year_of_deeds, 12, 31)

    with pytest.raises(YearClosed, match=str(year_of_deeds)):
        entry_record(household=a1, rule=award, occurred_on=day, by=alice)
    with pytest.raises(YearClosed):
        entry_record_batch(households=[a1, a2], rule=award, occurred_on=day, by=alice)
    with pytest.raises(YearClosed):
        entry_adjust(household=a1, points=3, reason="补记", by=alice, occurred_on=day)
    with pytest.raises(YearClosed):
        entry_adjust(household=a1, points=3, reason="更早", by=alice, occurred_on=date(year_of_deeds - 1, 5, 1))
    with pytest.raises(YearClosed):
        entry_reverse(entry=mistake, reason="记错了", by=alice)
    with pytest.raises(YearClosed):
        household_open(village=village_a, number="0099", head_name="补开户", by=alice, opened_on=day)

    assert scores(a1, a2) == before
    assert not village_a.households.filter(number="0099").exists()


def test_the_refusal_says_which_year_is_closed_and_how_to_correct(village_a, year_of_deeds, alice, a1, award):
    year_close(village=village_a, year=year_of_deeds, by=alice)

    with pytest.raises(YearClosed) as refused:
        entry_record(household=a1, rule=award, occurred_on=date(year_of_deeds, 7, 1), by=alice)

    assert refused.value.message == (
        f"农丰村 has closed its year {year_of_deeds}: nothing may be dated on or before "
        f"Dec. 31, {year_of_deeds}. To correct it, record an adjustment in the open year, with a reason."
    )


def test_a_correction_goes_in_the_open_year_as_an_adjustment(village_a, year_of_deeds, alice, a1, award):
    year_close(village=village_a, year=year_of_deeds, by=alice)

    entry_adjust(household=a1, points=-2, reason=f"更正{year_of_deeds}年误记", by=alice)
    entry_record(household=a1, rule=award, occurred_on=date(today().year, 1, 1), by=alice)

    assert scores(a1) == [(106, 106)]
    assert "agree" in reconcile()


def test_a_batch_into_a_closed_year_is_refused_whole(village_a, village_b, year_of_deeds, alice, a1, a2, award):
    year_close(village=village_a, year=year_of_deeds, by=alice)

    with pytest.raises((YearClosed, BatchRefused)):
        entry_record_batch(households=[a1, a2], rule=award, occurred_on=last_year(), by=alice)

    assert a1.entries.count() == 4 and a2.entries.count() == 3


def test_another_village_keeps_its_year_open(village_a, year_of_deeds, alice, bob, b1, award_b):
    year_close(village=village_a, year=year_of_deeds, by=alice)

    entry_record(household=b1, rule=award_b, occurred_on=last_year(), by=bob)

    assert scores(b1) == [(102, 102)]


def test_it_refuses_an_entry_dated_before_the_household_was_opened(village_a, alice, award):
    newcomer = open_household(village_a, by=alice, opened_on=today().replace(day=1))

    with pytest.raises(BeforeOpening):
        entry_record(household=newcomer, rule=award, occurred_on=date(today().year - 1, 12, 31), by=alice)
    with pytest.raises(BeforeOpening):
        entry_adjust(household=newcomer, points=5, reason="补记", by=alice, occurred_on=date(today().year - 1, 12, 31))

    assert scores(newcomer) == [(100, 100)]


def test_a_year_is_closed_only_once_it_is_over(village_a, alice, a1):
    with pytest.raises(YearNotOver):
        year_close(village=village_a, year=today().year, by=alice)

    assert not YearClose.objects.exists()


def test_it_closes_years_in_order_and_each_once(village_a, alice, a1):
    this = today().year
    year_close(village=village_a, year=this - 3, by=alice)

    with pytest.raises(YearAlreadyClosed):
        year_close(village=village_a, year=this - 3, by=alice)
    with pytest.raises(YearOutOfOrder):
        year_close(village=village_a, year=this - 1, by=alice)
    year_close(village=village_a, year=this - 2, by=alice)

    assert list(YearClose.objects.values_list("year", flat=True)) == [this - 2, this - 3]


def test_only_the_villages_clerks_close_its_year(village_a, year_of_deeds, bob, olivia, mallory):
    for someone in (bob, olivia, mallory):
        with pytest.raises(NotYours):
            year_close(village=village_a, year=year_of_deeds, by=someone)

    assert not YearClose.objects.exists()


def test_a_superuser_reopens_with_a_reason_and_the_next_close_keeps_both_snapshots(
    village_a, year_of_deeds, alice, root, a1, award
):
    first = year_close(village=village_a, year=year_of_deeds, by=alice)

    with pytest.raises(ReopenNotAllowed):
        year_reopen(close=first, reason="漏记", by=alice)
    with pytest.raises(ReasonRequired):
        year_reopen(close=first, reason="  ", by=root)
    year_reopen(close=first, reason="漏记一次志愿服务", by=root)
    assert not year_is_closed(village_a, year_of_deeds)
    entry_record(household=a1, rule=award, occurred_on=last_year(), by=alice)
    second = year_close(village=village_a, year=year_of_deeds, by=alice)

    first.refresh_from_db()
    assert (first.reopened_by, first.reopen_reason) == (root, "漏记一次志愿服务")
    assert first.rows.get(household=a1).points == 6
    assert second.rows.get(household=a1).points == 8
    assert year_figures(village_a, year_of_deeds)[0] == HouseholdYear(
        household_id=a1.pk, number="0001", head_name="应美凤", points=8, rank=1, stars=0, frozen=True
    )


def test_only_the_latest_closed_year_is_reopened(village_a, alice, root, a1):
    this = today().year
    older = year_close(village=village_a, year=this - 2, by=alice)
    year_close(village=village_a, year=this - 1, by=alice)

    with pytest.raises(YearNotLatest):
        year_reopen(close=older, reason="改", by=root)

    assert YearClose.objects.filter(reopened_at__isnull=True).count() == 2
