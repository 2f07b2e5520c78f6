"""The clerk sets a household's lookup PIN in the admin: only for their own households, only its hash kept."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.hashers import check_password
from django.urls import reverse

from households.models import Household
from households.services import household_set_pin

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:households_household_changelist")


def pin_url(household) -> str:
    return reverse("admin:households_household_pin", args=[household.pk])


def change_url(household) -> str:
    return reverse("admin:households_household_change", args=[household.pk])


def pin_hash_of(household) -> str:
    return Household.objects.values_list("pin_hash", flat=True).get(pk=household.pk)


def errors_of(response) -> list[str]:
    return [str(error) for errors in response.context["form"].errors.values() for error in errors]


def test_it_lets_the_clerk_set_a_pin_and_keeps_only_its_hash(client, alice, a1):
    client.force_login(alice)

    response = client.post(pin_url(a1), {"pin": "2468", "pin_again": "2468"})

    assert response.status_code == 302
    assert response.url == change_url(a1)
    stored = pin_hash_of(a1)
    assert "2468" not in stored
    assert check_password("2468", stored)
    assert LogEntry.objects.get(object_id=str(a1.pk)).get_change_message() == "Changed lookup PIN."


def test_it_replaces_the_old_pin(client, alice, a1):
    household_set_pin(household=a1, pin="1357", by=alice)
    client.force_login(alice)

    client.post(pin_url(a1), {"pin": "864200", "pin_again": "864200"})

    assert check_password("864200", pin_hash_of(a1))
    assert not check_password("1357", pin_hash_of(a1))


def test_it_does_not_let_a_clerk_set_the_pin_of_another_village(client, alice, a1, b1):
    client.force_login(alice)

    assert client.get(pin_url(b1)).status_code == 404
    assert client.post(pin_url(b1), {"pin": "2468", "pin_again": "2468"}).status_code == 404
    assert pin_hash_of(b1) == ""


def test_it_does_not_let_the_officer_set_a_pin(client, olivia, a1):
    client.force_login(olivia)

    assert client.post(pin_url(a1), {"pin": "2468", "pin_again": "2468"}).status_code == 403
    assert pin_hash_of(a1) == ""


def test_it_shows_mallory_nothing(client, mallory, a1):
    client.force_login(mallory)

    assert client.get(pin_url(a1)).status_code in (403, 404)


@pytest.mark.parametrize(
    ("pin", "again", "message"),
    [
        ("12ab", "12ab", "A PIN is 4 to 6 digits."),
        ("123", "123", "A PIN is 4 to 6 digits."),
        ("2468", "2469", "The two PINs differ; type the same PIN twice."),
    ],
)
def test_it_refuses_a_bad_or_mistyped_pin(client, alice, a1, pin, again, message):
    client.force_login(alice)

    response = client.post(pin_url(a1), {"pin": pin, "pin_again": again})

    assert response.status_code == 200
    assert errors_of(response) == [message]
    assert pin_hash_of(a1) == ""


def test_it_says_whether_a_pin_is_set_and_never_shows_it(client, alice, a1):
    client.force_login(alice)
    assert "not set" in client.get(change_url(a1)).content.decode()

    household_set_pin(household=a1, pin="2468", by=alice)

    page = client.get(change_url(a1)).content.decode()
    assert "not set" not in page
    assert "Reset the PIN" in page and pin_url(a1) in page
    assert pin_hash_of(a1) not in page and "2468" not in page
    assert "2468" not in client.get(pin_url(a1)).content.decode()


def test_it_shows_the_officer_the_state_without_a_link(client, olivia, a1):
    client.force_login(olivia)

    page = client.get(change_url(a1)).content.decode()

    assert "not set" in page
    assert pin_url(a1) not in page


def test_it_filters_households_by_whether_they_have_a_pin(client, alice, a1, a2):
    household_set_pin(household=a1, pin="2468", by=alice)
    client.force_login(alice)

    with_pin = client.get(CHANGELIST, {"pin": "set"}).context["cl"].result_list
    without = client.get(CHANGELIST, {"pin": "unset"}).context["cl"].result_list

    assert list(with_pin) == [a1]
    assert list(without) == [a2]
