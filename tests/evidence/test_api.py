"""Evidence through the API: listed on entries, added to an entry with a multipart POST, with the
pages' permissions; a refused file is a 422 that keeps nothing."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.tokens import api_token_create
from credits.services import entry_record
from evidence.models import Evidence
from evidence.services import evidence_add
from tests.evidence.conftest import PDF, image_bytes, stored_files, upload

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    token, _expiry = api_token_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def entry(a1, alice, deduction):
    return entry_record(household=a1, rule=deduction, occurred_on=timezone.localdate(), by=alice)


def url(entry) -> str:
    return f"/api/entries/{entry.pk}/evidence/"


def test_it_adds_files_to_an_entry(entry, alice, media):
    response = api(alice).post(
        url(entry), {"files": [upload(image_bytes(), "现场.jpg"), upload(PDF, "通知.pdf")]}, format="multipart"
    )

    assert response.status_code == 201
    body = response.json()
    assert [row["original_name"] for row in body] == ["现场.jpg", "通知.pdf"]
    first = Evidence.objects.get(original_name="现场.jpg")
    assert body[0]["id"] == str(first.public_id) and body[0]["content_type"] == "image/jpeg"
    assert body[0]["url"] == f"http://testserver{first.get_absolute_url()}"
    assert body[0]["original_url"] == f"http://testserver{first.original_url}"
    assert len(stored_files(media)) == 3


def test_it_refuses_a_fake_photo_and_keeps_nothing(entry, alice, media):
    response = api(alice).post(
        url(entry), {"files": [upload(PDF, "ok.pdf"), upload(b"plain text", "photo.jpg")]}, format="multipart"
    )

    assert response.status_code == 422
    assert response.json()["code"] == "evidence_wrong_type" and "photo.jpg" in response.json()["message"]
    assert not Evidence.objects.exists() and stored_files(media) == []


def test_it_refuses_a_file_too_large(entry, alice, media, settings):
    settings.XIANGFENG_EVIDENCE_MAX_BYTES = 1024

    response = api(alice).post(url(entry), {"files": [upload(image_bytes())]}, format="multipart")

    assert (response.status_code, response.json()["code"]) == (422, "evidence_too_large")
    assert stored_files(media) == []


def test_it_asks_for_a_file(entry, alice):
    response = api(alice).post(url(entry), {}, format="multipart")

    assert response.status_code == 400 and "files" in response.json()["details"]


def test_it_takes_only_multipart(entry, alice):
    assert api(alice).post(url(entry), {"files": []}, format="json").status_code == 415


def test_it_lists_evidence_on_the_entry_and_the_households_entries(entry, a1, alice, olivia):
    evidence = evidence_add(household=a1, file=upload(PDF, "通知.pdf"), by=alice, entry=entry)

    listed = api(olivia).get(url(entry))
    entries = api(olivia).get(f"/api/households/{a1.pk}/entries/").json()["results"]

    assert listed.status_code == 200 and [row["id"] for row in listed.json()] == [str(evidence.public_id)]
    assert entries[0]["evidence"][0]["original_name"] == "通知.pdf"
    assert entries[1]["evidence"] == []


def test_an_officer_may_not_add(entry, olivia):
    assert api(olivia).post(url(entry), {"files": [upload(PDF)]}, format="multipart").status_code == 403


@pytest.mark.parametrize(("who", "status"), [("bob", 404), ("mallory", 403)])
def test_it_refuses_outside_the_village(entry, who, status, request):
    client = api(request.getfixturevalue(who))

    assert client.get(url(entry)).status_code == status
    assert client.post(url(entry), {"files": [upload(PDF)]}, format="multipart").status_code == status
    assert not Evidence.objects.exists()


def test_the_listed_file_urls_open_with_the_token_and_for_no_one_else(entry, a1, alice, bob, client):
    evidence = evidence_add(household=a1, file=upload(PDF), by=alice, entry=entry)
    listed = api(alice).get(url(entry)).json()[0]

    assert api(alice).get(listed["url"]).status_code == 200
    assert api(alice).get(listed["original_url"]).status_code == 200
    assert api(bob).get(listed["url"]).status_code == 404
    assert client.get(evidence.get_absolute_url()).status_code == 404
    assert client.get(listed["url"], HTTP_AUTHORIZATION="Token not-a-real-token").status_code == 404
