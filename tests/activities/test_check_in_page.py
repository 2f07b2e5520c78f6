"""The organiser's check-in page on a phone: a typed number or a scanned card, and what it says."""

import pytest
from django.urls import reverse

from activities.services import activity_close, activity_update, signup_create
from tests.activities.conftest import village_helper

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def url(activity) -> str:
    return reverse("activities:check_in", args=[activity.pk])


def test_a_signed_up_household_is_checked_in_by_its_number_with_its_name(english, alice, cleanup, a1):
    signup_create(activity=cleanup, household=a1)
    english.force_login(alice)

    page = english.post(url(cleanup), {"code": "1"})

    html = page.content.decode()
    assert 'class="card act-result act-checked_in"' in html
    assert "0001</span> 应美凤" in html
    assert cleanup.signups.get().checked_in


def test_a_second_check_in_says_already(english, alice, cleanup, a1):
    english.force_login(alice)
    english.post(url(cleanup), {"code": "0001"})
    page = english.post(url(cleanup), {"code": "1"})
    assert "Already checked in" in page.content.decode()
    assert cleanup.signups.count() == 1


def test_a_household_not_signed_up_is_a_walk_in_while_there_is_room(english, alice, cleanup, a1):
    english.force_login(alice)
    page = english.post(url(cleanup), {"code": a1.card_token, "via": "camera"})
    html = page.content.decode()
    assert "Not signed up: checked in as a walk-in" in html
    assert 'data-autostart="1"' in html  # the camera starts again for the next card
    assert cleanup.signups.get().signed_up_by == alice


def test_a_card_link_is_read_as_the_household(english, alice, cleanup, a1):
    english.force_login(alice)
    english.post(url(cleanup), {"code": f"https://example.org/lookup/c/{a1.card_token}/"})
    assert cleanup.signups.get().household == a1


def test_a_walk_in_to_a_full_activity_is_refused_by_name(english, alice, village_a, award, a1, a2):
    from tests.activities.conftest import publish

    activity = publish(village_a, by=alice, rule=award, capacity=1)
    signup_create(activity=activity, household=a1)
    english.force_login(alice)
    page = english.post(url(activity), {"code": "2"})
    html = page.content.decode()
    assert "act-refused" in html and "王建国" in html and "is full" in html
    assert activity.signups.count() == 1


def test_another_villages_card_or_an_unknown_number_is_refused(english, alice, cleanup, b1):
    english.force_login(alice)
    for code in (b1.card_token, "999"):
        page = english.post(url(cleanup), {"code": code})
        assert "No household of 农丰村" in page.content.decode()
    assert not cleanup.signups.exists()


def test_an_empty_or_control_character_code_is_a_clear_refusal(english, alice, cleanup):
    english.force_login(alice)
    assert "This field is required." in english.post(url(cleanup), {"code": ""}).content.decode()
    assert "control character" in english.post(url(cleanup), {"code": "1\x072"}).content.decode()
    assert not cleanup.signups.exists()


def test_a_named_organiser_checks_in_but_sees_no_admin_link(english, alice, cleanup, a1):
    helper = village_helper(cleanup.village)
    activity_update(activity=cleanup, by=alice, organisers=[helper])
    english.force_login(helper)
    page = english.post(url(cleanup), {"code": "1"})
    assert "act-walk_in" in page.content.decode()
    assert "signups/" not in page.content.decode()


def test_the_page_may_use_the_camera_and_no_other_page_may(english, alice, cleanup):
    english.force_login(alice)
    assert "camera=(self)" in english.get(url(cleanup))["Permissions-Policy"]
    assert "camera=()" in english.get(reverse("admin:index"))["Permissions-Policy"]


def test_strangers_and_other_villages_clerks_get_not_found(client, cleanup, bob, olivia, mallory):
    for user in (bob, olivia, mallory):
        client.force_login(user)
        assert client.get(url(cleanup)).status_code == 404
        assert client.post(url(cleanup), {"code": "1"}).status_code == 404
    assert not cleanup.signups.exists()


def test_anonymous_is_sent_to_log_in(client, cleanup):
    page = client.get(url(cleanup))
    assert page.status_code == 302 and "/login/" in page["Location"]


def test_a_closed_activity_takes_no_check_in(english, alice, cleanup, a1):
    activity_close(activity=cleanup, by=alice)
    english.force_login(alice)
    page = english.post(url(cleanup), {"code": "1"})
    html = page.content.decode()
    assert "This activity is closed" in html
    assert "check_in.js" not in html
    assert not cleanup.signups.exists()
