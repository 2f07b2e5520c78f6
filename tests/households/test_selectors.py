"""Who may read and who may change which villages, and how a household is found."""

import pytest
from django.contrib.auth.models import AnonymousUser

from households.models import Household
from households.selectors import household_search, households_for, may_change_village, villages_for
from tests.factories import TownFactory, VillageFactory

pytestmark = pytest.mark.django_db


def codes(villages):
    return sorted(village.code for village in villages)


def test_it_gives_a_clerk_their_own_village_to_read_and_change(alice, village_a, village_b):
    assert codes(villages_for(alice)) == ["nongfeng"]
    assert codes(villages_for(alice, write=True)) == ["nongfeng"]
    assert may_change_village(alice, village_a.pk)
    assert not may_change_village(alice, village_b.pk)


def test_it_lets_an_officer_read_every_village_of_the_town_but_change_none(olivia, village_a, village_b):
    elsewhere = VillageFactory(code="elsewhere", town=TownFactory(name="别的镇"))

    assert codes(villages_for(olivia)) == ["nongfeng", "yongfeng"]
    assert not villages_for(olivia, write=True).exists()
    assert not may_change_village(olivia, village_a.pk)
    assert elsewhere not in villages_for(olivia)


@pytest.mark.parametrize("who", ["sam", "mallory"])
def test_it_shows_nothing_to_staff_without_an_assignment(request, village_a, village_b, who):
    user = request.getfixturevalue(who)

    assert not villages_for(user).exists()
    assert not villages_for(user, write=True).exists()


def test_it_shows_nothing_to_an_anonymous_visitor(village_a):
    assert not villages_for(AnonymousUser()).exists()


def test_it_shows_nothing_to_a_deactivated_clerk(alice, village_a):
    alice.is_active = False
    alice.save()

    assert not villages_for(alice).exists()
    assert not may_change_village(alice, village_a.pk)


def test_it_gives_a_superuser_every_village(django_user_model, village_a, village_b):
    root = django_user_model.objects.create_superuser("root", password="x")

    assert codes(villages_for(root, write=True)) == ["nongfeng", "yongfeng"]


def test_it_lists_a_village_once_for_a_clerk_who_is_also_its_officer(alice, town, village_a, village_b):
    town.officers.add(alice)

    assert codes(villages_for(alice)) == ["nongfeng", "yongfeng"]
    assert codes(villages_for(alice, write=True)) == ["nongfeng"]


def test_it_scopes_households_to_the_villages_of_the_person_asking(alice, bob, olivia, mallory, a1, a2, b1):
    assert set(households_for(alice)) == {a1, a2}
    assert set(households_for(bob, write=True)) == {b1}
    assert set(households_for(olivia)) == {a1, a2, b1}
    assert not households_for(olivia, write=True).exists()
    assert not households_for(mallory).exists()


@pytest.mark.parametrize(
    ("term", "numbers"),
    [
        ("0001", ["0001"]),  # the number, exactly
        ("000", ["0001", "0002"]),  # the start of a number
        ("1", ["0001"]),  # the number without its zeros
        ("０２", ["0002"]),  # in full width, from a Chinese keyboard
        ("美凤", ["0001"]),  # part of the head's name
        ("王建国", ["0002"]),
        ("ym", ["0001"]),  # pinyin initials, as typed on a phone
        ("YMF", ["0001"]),
        ("wj", ["0002"]),
        ("  ", ["0001", "0002"]),  # nothing typed: everything
        ("zzz", []),
    ],
)
def test_it_finds_households_by_number_name_or_initials(a1, a2, term, numbers):
    found = household_search(Household.objects.filter(village=a1.village), term)

    assert sorted(found.values_list("number", flat=True)) == numbers


def test_it_searches_only_within_the_scope_it_is_given(alice, a1, b1):
    found = household_search(households_for(alice), "0001")

    assert list(found) == [a1]
