"""Opening, editing, closing and reopening households, each scoped to the clerk's villages."""

import datetime

import pytest
from django.utils import timezone

from credits.models import Entry
from credits.services import household_open
from households.errors import HouseholdNumberTaken, NotYours
from households.models import Household, number_key
from households.services import household_close, household_reopen, household_update, initials_of
from tests.factories import VillageFactory, open_household

pytestmark = pytest.mark.django_db


def test_it_opens_a_household_with_one_opening_entry_of_the_base_score(village_a, alice):
    household = household_open(village=village_a, number="0101", head_name="应美凤", by=alice)

    (entry,) = Entry.objects.filter(household=household)
    assert entry.kind == Entry.Kind.OPENING
    assert entry.points == 100
    assert entry.in_score is True
    assert (entry.score_after, entry.balance_after) == (100, 100)
    assert entry.recorded_by == alice
    assert entry.occurred_on == timezone.localdate()
    household.refresh_from_db()
    assert (household.score, household.balance) == (100, 100)
    assert household.active is True


def test_it_opens_with_the_configured_base_score(village_a, alice, settings):
    settings.XIANGFENG_BASE_SCORE = 60

    household = household_open(village=village_a, number="0101", head_name="王建国", by=alice)

    household.refresh_from_db()
    assert (household.score, household.balance) == (60, 60)
    assert household.entries.get().points == 60


def test_it_opens_with_the_opening_points_it_is_given(village_a, alice):
    opened_on = timezone.localdate() - datetime.timedelta(days=400)

    household = household_open(
        village=village_a, number="0101", head_name="王建国", by=alice, opening_points=135, opened_on=opened_on
    )

    household.refresh_from_db()
    assert (household.score, household.balance) == (135, 135)
    entry = household.entries.get()
    assert (entry.points, entry.score_after, entry.balance_after) == (135, 135, 135)
    assert entry.occurred_on == opened_on


def test_it_strips_what_the_clerk_typed(village_a, alice):
    household = household_open(
        village=village_a, number=" 0101 ", head_name=" 应美凤 ", group=" 第一组 ", phone=" 13812341234 ", by=alice
    )

    household.refresh_from_db()
    assert (household.number, household.head_name, household.group, household.phone) == (
        "0101",
        "应美凤",
        "第一组",
        "13812341234",
    )


def test_it_stores_the_pinyin_initials_of_the_head(a1):
    a1.refresh_from_db()
    assert a1.head_initials == "ymf"


@pytest.mark.parametrize(
    ("name", "initials"),
    [
        ("应美凤", "ymf"),
        ("王建国", "wjg"),
        ("Tom李", "toml"),
        ("王2号", "w2h"),
        (" 李 秀英 ", "lxy"),
        # Surnames read differently from the same character in ordinary words.
        ("曾国藩", "zgf"),
        ("单雄信", "sxx"),
        ("解缙", "xj"),
        ("仇英", "qy"),
    ],
)
def test_it_derives_pinyin_initials(name, initials):
    assert initials_of(name) == initials


def test_it_refuses_a_number_already_used_in_the_village(village_a, alice, a1):
    with pytest.raises(HouseholdNumberTaken) as refused:
        household_open(village=village_a, number="0001", head_name="另一户", by=alice)

    assert "0001" in refused.value.message
    assert Household.objects.filter(village=village_a, number="0001").count() == 1
    assert Entry.objects.filter(household__village=village_a).count() == 1


def test_it_refuses_a_number_that_differs_only_by_spaces(village_a, alice, a1):
    with pytest.raises(HouseholdNumberTaken):
        household_open(village=village_a, number=" 0001 ", head_name="另一户", by=alice)


@pytest.mark.parametrize("number", ["1", "01", "０００１"])
def test_it_refuses_a_number_that_differs_only_by_its_padding(village_a, alice, a1, number):
    with pytest.raises(HouseholdNumberTaken) as refused:
        household_open(village=village_a, number=number, head_name="另一户", by=alice)

    assert "0001" in refused.value.message
    assert Household.objects.filter(village=village_a).count() == 1


@pytest.mark.parametrize(
    ("number", "key"), [("0004", "4"), ("４", "4"), ("a-007", "A-7"), ("3组005", "3组5"), ("000", "0")]
)
def test_it_keys_a_number_as_people_read_it(number, key):
    assert number_key(number) == key


def test_it_allows_the_same_number_in_another_village(a1, village_b, bob):
    household = household_open(village=village_b, number="0001", head_name="李秀英", by=bob)

    assert household.number == a1.number
    assert household.village_id != a1.village_id
    household.refresh_from_db()
    assert household.score == 100


def test_it_refuses_a_clerk_opening_in_another_clerks_village(village_b, alice, bob):
    with pytest.raises(NotYours):
        household_open(village=village_b, number="0101", head_name="李秀英", by=alice)

    assert not Household.objects.filter(village=village_b).exists()
    assert not Entry.objects.exists()


@pytest.mark.parametrize("who", ["olivia", "sam", "mallory"])
def test_it_refuses_an_opening_by_anyone_who_keeps_no_village(request, village_a, who):
    user = request.getfixturevalue(who)

    with pytest.raises(NotYours):
        household_open(village=village_a, number="0101", head_name="王建国", by=user)

    assert not Household.objects.exists()


def test_it_lets_a_superuser_open_in_any_village(village_b, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="x")

    household = household_open(village=village_b, number="0101", head_name="李秀英", by=root)

    assert household.entries.get().recorded_by == root


def test_it_updates_the_head_and_recomputes_the_initials(a1, alice):
    household_update(household=a1, by=alice, head_name=" 王建国 ", group="第三组", address="一号", phone="138")

    a1.refresh_from_db()
    assert (a1.head_name, a1.head_initials, a1.group, a1.address, a1.phone) == (
        "王建国",
        "wjg",
        "第三组",
        "一号",
        "138",
    )


def test_it_refuses_an_update_by_another_villages_clerk(a1, bob):
    with pytest.raises(NotYours):
        household_update(household=a1, by=bob, head_name="冒名顶替")

    a1.refresh_from_db()
    assert a1.head_name == "应美凤"


def test_it_closes_a_household_and_keeps_its_history(a1, alice):
    closed_on = timezone.localdate() - datetime.timedelta(days=3)

    household_close(household=a1, by=alice, on=closed_on)

    a1.refresh_from_db()
    assert a1.active is False
    assert a1.closed_on == closed_on
    assert (a1.score, a1.balance) == (100, 100)
    assert a1.entries.count() == 1


def test_it_closes_today_unless_told_otherwise(a1, alice):
    household_close(household=a1, by=alice)

    a1.refresh_from_db()
    assert a1.closed_on == timezone.localdate()


def test_it_refuses_a_close_by_another_villages_clerk(a1, bob, olivia):
    for user in (bob, olivia):
        with pytest.raises(NotYours):
            household_close(household=a1, by=user)

    a1.refresh_from_db()
    assert a1.active is True


def test_it_reopens_a_closed_household(a1, alice):
    household_close(household=a1, by=alice)

    household_reopen(household=a1, by=alice)

    a1.refresh_from_db()
    assert (a1.active, a1.closed_on) == (True, None)


def test_it_refuses_a_reopen_by_another_villages_clerk(a1, alice, bob):
    household_close(household=a1, by=alice)

    with pytest.raises(NotYours):
        household_reopen(household=a1, by=bob)

    a1.refresh_from_db()
    assert a1.active is False


def test_it_lets_a_clerk_open_in_every_village_they_keep(village_a, alice):
    second = VillageFactory()
    second.clerks.add(alice)

    household = open_household(second, by=alice)

    assert household.village == second
    assert household.entries.get().points == 100
