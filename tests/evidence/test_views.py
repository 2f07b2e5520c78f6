"""Serving evidence: to the village's clerks, the town's officers, superusers and the household's
own lookup session; a plain 404 to everyone else, a copied URL included, and never from /media/."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from evidence.access import REGRANT_AFTER_SECONDS, SESSION_KEY
from evidence.services import evidence_add
from households.services import household_card_reissue, household_set_pin
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PIN = "2468"


@pytest.fixture
def evidence(a1, alice, photo):
    return evidence_add(household=a1, file=photo, by=alice)


@pytest.fixture
def document(a1, alice, pdf):
    return evidence_add(household=a1, file=pdf, by=alice)


def opened_by_pin(client, household, by):
    household_set_pin(household=household, pin=PIN, by=by)
    response = client.post(
        reverse("lookup"), {"village": household.village.code, "number": household.number, "pin": PIN}
    )
    assert response.status_code == 302
    assert client.get(reverse("lookup_me")).status_code == 200
    return client


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_it_serves_the_display_copy_to_a_clerk_of_the_village(evidence, alice):
    response = as_user(alice).get(evidence.get_absolute_url())

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, max-age=600"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == 'inline; filename="IMG_0001.jpg"'
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8")


def test_it_serves_the_original_to_the_towns_officer(evidence, olivia):
    response = as_user(olivia).get(evidence.original_url)

    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"


def test_it_serves_a_document_inline_with_its_name(document, alice):
    response = as_user(alice).get(document.get_absolute_url())

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert "filename*=utf-8''" in response["Content-Disposition"]


def test_it_serves_a_superuser(evidence):
    root = UserFactory(username="root", is_superuser=True)

    assert as_user(root).get(evidence.original_url).status_code == 200


@pytest.mark.parametrize("who", ["bob", "sam", "mallory"])
def test_it_answers_404_to_staff_outside_the_village(evidence, who, request):
    client = as_user(request.getfixturevalue(who))

    assert client.get(evidence.get_absolute_url()).status_code == 404
    assert client.get(evidence.original_url).status_code == 404


def test_it_answers_404_to_anyone_not_signed_in(evidence, client):
    assert client.get(evidence.get_absolute_url()).status_code == 404
    assert client.get(evidence.original_url).status_code == 404


def test_it_answers_404_for_an_unknown_id(alice):
    unknown = reverse("evidence", args=["7a3c4f2e-93b1-4c9d-8a6e-2f0d1b5c7e90"])

    assert as_user(alice).get(unknown).status_code == 404


def test_it_serves_the_household_whose_record_the_pin_opened(evidence, a1, alice, client):
    opened_by_pin(client, a1, alice)

    assert client.get(evidence.get_absolute_url()).status_code == 200
    assert client.get(evidence.original_url).status_code == 200


def test_it_serves_the_household_whose_card_link_was_opened(evidence, a1, client):
    assert client.get(evidence.get_absolute_url()).status_code == 404

    client.get(reverse("lookup_card", args=[a1.card_token]))

    assert client.get(evidence.get_absolute_url()).status_code == 200


def test_it_answers_404_to_the_lookup_of_another_household(evidence, a2, b1, alice, bob, client):
    opened_by_pin(client, a2, alice)
    assert client.get(evidence.get_absolute_url()).status_code == 404

    client.get(reverse("lookup_card", args=[b1.card_token]))
    assert client.get(evidence.get_absolute_url()).status_code == 404


def test_a_url_copied_out_of_a_session_opens_nothing_elsewhere(evidence, a1, alice, client):
    opened_by_pin(client, a1, alice)
    url = evidence.original_url
    assert client.get(url).status_code == 200

    assert Client().get(url).status_code == 404
    assert as_user(UserFactory(username="stranger")).get(url).status_code == 404


def test_leaving_the_record_ends_the_access(evidence, a1, alice, client):
    opened_by_pin(client, a1, alice)

    client.post(reverse("lookup_me"), {"leave": "1"})

    assert client.get(evidence.get_absolute_url()).status_code == 404


def test_a_new_card_or_pin_ends_the_access_the_old_one_gave(evidence, a1, alice, client):
    old_card = a1.card_token
    client.get(reverse("lookup_card", args=[old_card]))
    assert client.get(evidence.get_absolute_url()).status_code == 200

    household_card_reissue(household=a1, by=alice)

    assert client.get(evidence.get_absolute_url()).status_code == 404


def test_the_grant_runs_out_with_the_lookups(evidence, a1, client, settings):
    settings.XIANGFENG_LOOKUP_GRANT_MINUTES = 0
    client.get(reverse("lookup_card", args=[a1.card_token]))

    assert client.get(evidence.get_absolute_url()).status_code == 404


def test_the_stored_file_is_not_served_from_the_media_url(evidence, alice):
    client = as_user(alice)

    for name in (evidence.file.name, evidence.display.name):
        assert client.get(f"/media/{name}").status_code == 404
        assert client.get(f"/{name}").status_code == 404


def test_a_new_pin_ends_the_access_the_old_one_gave(evidence, a1, alice, client):
    opened_by_pin(client, a1, alice)

    household_set_pin(household=a1, pin="1357", by=alice)

    assert client.get(evidence.get_absolute_url()).status_code == 404


def session_writes(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return sum(query["sql"].startswith(("UPDATE", "INSERT")) and "django_session" in query["sql"] for query in queries)


def test_reading_the_record_again_within_a_minute_leaves_the_session_alone(evidence, a1, client):
    url = reverse("lookup_card", args=[a1.card_token])
    assert session_writes(client, url) == 1
    granted = client.session[SESSION_KEY][str(a1.pk)]["until"]

    assert session_writes(client, url) == 0
    assert session_writes(client, f"{url}?page=2") == 0
    assert client.get(evidence.get_absolute_url()).status_code == 200

    # A minute on, the grant is given again, to last its full time from then.
    later = timezone.now() + timedelta(seconds=REGRANT_AFTER_SECONDS + 1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert session_writes(client, url) == 1
    assert client.session[SESSION_KEY][str(a1.pk)]["until"] > granted + REGRANT_AFTER_SECONDS


def test_a_new_card_is_granted_again_at_once(evidence, a1, alice, client):
    client.get(reverse("lookup_card", args=[a1.card_token]))

    household_card_reissue(household=a1, by=alice)
    a1.refresh_from_db()
    assert session_writes(client, reverse("lookup_card", args=[a1.card_token])) == 1

    assert client.get(evidence.get_absolute_url()).status_code == 200
