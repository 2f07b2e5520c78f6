"""The village board, `/board/<code>/`: public, read-only, and never a phone or an address on it."""

import datetime

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from credits.services import entry_adjust, entry_record, entry_reverse
from households.models import Household, StarLevel
from households.services import household_close
from public.models import BoardSettings
from public.selectors import mask_name
from tests.factories import RuleFactory, open_household

pytestmark = pytest.mark.django_db


def board_url(village) -> str:
    return reverse("board", args=[village.code])


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def earned(village, clerk, points, **fields):
    """A household that earned `points` this year (an adjustment keeps the tests off rule caps)."""
    household = open_household(village, by=clerk, **fields)
    entry_adjust(household=household, points=points, reason="测试", by=clerk)
    household.refresh_from_db()
    return household


def board_of(client, village):
    response = client.get(board_url(village))
    assert response.status_code == 200
    return response.context["board"], response.content.decode()


def settings_for(village, **options) -> BoardSettings:
    return BoardSettings.objects.create(village=village, **options)


def test_it_answers_404_for_an_unknown_village(client, village_a):
    assert client.get("/board/nowhere/").status_code == 404


def test_it_is_public_and_writes_nothing_on_a_visit(client, village_a, a1):
    board, page = board_of(client, village_a)

    assert board.village_name == "农丰村"
    assert not BoardSettings.objects.exists()
    assert '<meta http-equiv="refresh" content="300">' in page
    assert board.updated_at.strftime("%Y-%m-%d %H:%M") in page
    assert 'name="language"' in page  # the switch to English stays on the board


# The red list


def test_it_ranks_the_red_list_by_this_years_points_equal_points_sharing_a_rank(client, village_a, alice, bob, b1):
    earned(village_a, alice, 3, number="0004", head_name="赵四")
    earned(village_a, alice, 9, number="0001", head_name="钱一")
    earned(village_a, alice, 5, number="0003", head_name="孙三")
    earned(village_a, alice, 5, number="0002", head_name="李二")
    entry_adjust(household=b1, points=50, reason="别村", by=bob)

    board, page = board_of(client, village_a)

    assert [(row.rank, row.number, row.points) for row in board.red_list] == [
        (1, "0001", 9),
        (2, "0002", 5),
        (2, "0003", 5),
        (4, "0004", 3),
    ]
    assert page.index("钱×") < page.index("李×") < page.index("孙×") < page.index("赵×")
    assert "李秀英" not in page and "李×" in page


def test_it_shows_a_households_stars_on_the_red_list(client, village_a, alice):
    StarLevel.objects.create(village=village_a, stars=1, min_score=101)
    StarLevel.objects.create(village=village_a, stars=2, min_score=105)
    earned(village_a, alice, 5)
    earned(village_a, alice, 1)

    board, page = board_of(client, village_a)

    assert [row.stars for row in board.red_list] == [2, 1]
    assert "★★</td>" in page


def test_it_puts_only_households_that_earned_points_this_year_on_the_red_list(client, village_a, alice, award):
    last_year = datetime.date(timezone.localdate().year - 1, 12, 31)
    old = open_household(village_a, by=alice, opened_on=last_year)
    entry_record(household=old, rule=award, occurred_on=last_year, by=alice)
    earned(village_a, alice, -5)
    open_household(village_a, by=alice)
    earned(village_a, alice, 1, number="0009")

    board, _page = board_of(client, village_a)

    assert [row.number for row in board.red_list] == ["0009"]


def test_it_cuts_the_red_list_at_the_villages_size(client, village_a, alice):
    settings_for(village_a, red_list_size=3)
    for points in range(1, 7):
        earned(village_a, alice, points)

    board, _page = board_of(client, village_a)

    assert [row.points for row in board.red_list] == [6, 5, 4]


def test_it_says_so_when_no_one_has_earned_points_yet(client, village_a, a1):
    board, page = board_of(client, village_a)

    assert board.red_list == []
    assert f"No points earned in {timezone.localdate().year} yet." in page


# Star households


def test_it_counts_the_households_of_each_star_level(client, village_a, alice):
    for points in (5, 10, 12, 30, 50, 60):
        earned(village_a, alice, points)
    open_household(village_a, by=alice)

    board, page = board_of(client, village_a)

    counts = [(level.stars, level.min_score, level.households) for level in board.star_counts]
    assert counts == [(5, 150, 2), (4, 140, 0), (3, 130, 1), (2, 120, 0), (1, 110, 2)]
    assert board.without_stars == 2
    assert "★★★★★" in page


# Recent awards and deductions


def test_it_shows_the_awards_of_the_last_days_newest_first(client, village_a, alice, a1, a2, deduction):
    helping = RuleFactory(name="邻里互助", points=3)
    entry_record(household=a1, rule=helping, occurred_on=days_ago(8), by=alice)
    entry_record(household=a1, rule=helping, occurred_on=days_ago(7), by=alice, note="七天前")
    entry_record(household=a2, rule=helping, occurred_on=days_ago(0), by=alice)
    entry_record(household=a2, rule=helping, occurred_on=days_ago(2), by=alice)
    mistake = entry_record(household=a2, rule=helping, occurred_on=days_ago(1), by=alice)
    entry_reverse(entry=mistake, reason="记错了", by=alice)
    entry_record(household=a1, rule=deduction, occurred_on=days_ago(1), by=alice)

    board, page = board_of(client, village_a)

    awards = [(entry.occurred_on, entry.number, entry.rule, entry.points) for entry in board.recent_awards]
    assert awards == [
        (days_ago(0), "0002", "邻里互助", 3),
        (days_ago(2), "0002", "邻里互助", 3),
        (days_ago(7), "0001", "邻里互助", 3),
    ]
    assert "邻里互助" in page


def test_it_hides_the_list_of_deductions_unless_the_village_shows_it(client, village_a, alice, a1, deduction):
    entry_record(household=a1, rule=deduction, occurred_on=days_ago(1), by=alice)

    board, page = board_of(client, village_a)
    assert board.deductions is None
    assert "测试扣分" not in page
    assert 'id="deductions"' not in page

    settings_for(village_a, show_black_list=True)
    board, page = board_of(client, village_a)
    assert [(entry.number, entry.name, entry.rule, entry.points) for entry in board.deductions] == [
        ("0001", "应×", "测试扣分", -5)
    ]
    assert "测试扣分" in page and 'id="deductions"' in page


def test_it_shows_only_the_lists_the_village_chose(client, village_a, alice, a1, award):
    entry_record(household=a1, rule=award, occurred_on=days_ago(0), by=alice)
    settings_for(village_a, show_red_list=False, show_stars=False, show_recent=False)

    board, page = board_of(client, village_a)

    assert (board.red_list, board.star_counts, board.recent_awards) == (None, None, None)
    assert "This village shows nothing on its board at present." in page


# Privacy and names


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("王建国", "王×"),
        ("应美凤", "应×"),
        ("欧阳修", "欧阳×"),
        ("司马相如", "司马×"),
        ("欧阳", "欧×"),
        ("王五", "王×"),
        ("", "×"),
    ],
)
def test_it_masks_a_name_down_to_the_surname(name, masked):
    assert mask_name(name) == masked


def test_it_never_shows_a_phone_address_pin_or_card_code(client, village_a, alice, deduction):
    settings_for(village_a, show_black_list=True, mask_names=False)
    household = open_household(
        village_a, by=alice, head_name="欧阳秀英", phone="13812345678", address="农丰村东港路18号", group="第三组"
    )
    Household.objects.filter(pk=household.pk).update(pin_hash=make_password("246810"))
    entry_adjust(household=household, points=20, reason="测试", by=alice)
    entry_record(household=household, rule=deduction, occurred_on=days_ago(0), by=alice)
    household.refresh_from_db()

    _board, page = board_of(client, village_a)

    assert "欧阳秀英" in page  # the household is on the board...
    for secret in ("13812345678", "5678", "东港路", household.card_token, household.pin_hash, "第三组"):
        assert secret not in page  # ...but nothing that finds, calls or impersonates it


def test_it_shows_only_surnames_while_names_are_masked(client, village_a, alice, deduction):
    settings_for(village_a, show_black_list=True)
    for number, name in (("0001", "欧阳秀英"), ("0002", "王建国")):
        household = earned(village_a, alice, 5, number=number, head_name=name)
        entry_record(household=household, rule=deduction, occurred_on=days_ago(0), by=alice)

    _board, page = board_of(client, village_a)

    assert "欧阳×" in page and "王×" in page
    for given_name in ("秀", "英", "建", "国"):
        assert given_name not in page


def test_it_shows_full_names_when_the_village_unmasks_them(client, village_a, alice):
    settings_for(village_a, mask_names=False)
    earned(village_a, alice, 5, head_name="王建国")

    board, page = board_of(client, village_a)

    assert board.red_list[0].name == "王建国"
    assert "王建国" in page


def test_it_leaves_closed_households_off_the_board(client, village_a, alice, award, deduction):
    settings_for(village_a, show_black_list=True)
    closed = earned(village_a, alice, 30, head_name="钱多多")
    entry_record(household=closed, rule=award, occurred_on=days_ago(0), by=alice)
    entry_record(household=closed, rule=deduction, occurred_on=days_ago(0), by=alice)
    household_close(household=closed, by=alice)

    board, _page = board_of(client, village_a)

    assert (board.red_list, board.recent_awards, board.deductions) == ([], [], [])
    assert sum(level.households for level in board.star_counts) + board.without_stars == 0


# Scale


def test_it_runs_a_fixed_number_of_queries_however_big_the_village(client, village_a, alice, award, deduction):
    settings_for(village_a, show_black_list=True)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(board_url(village_a)).status_code == 200
        return len(queries)

    earned(village_a, alice, 5)
    few = count()
    for n in range(40):
        household = earned(village_a, alice, n + 1)
        entry_record(household=household, rule=award, occurred_on=days_ago(n % 10), by=alice)
        entry_record(household=household, rule=deduction, occurred_on=days_ago(n % 10), by=alice)

    assert count() == few
    # 8, the star households' two (the latest titles and the candidates on notice), and the coming activities'
    assert few <= 11


# The home page


def test_it_links_every_villages_board_from_the_home_page(client, village_a, village_b):
    page = client.get("/").content.decode()

    assert board_url(village_a) in page and board_url(village_b) in page
    assert "农丰村" in page and "永丰村" in page
