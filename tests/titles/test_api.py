"""The API's selections and titles: the village's steps for its clerks, the town's selection for its
officers, each refusal a 4xx with a code, and another village's things not found."""

from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from accounts.tokens import api_token_create
from tests.credits.ledger import today
from titles.models import Level, Selection, Title
from titles.services import title_nominate

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    def client_for(user):
        client = APIClient()
        token, _expiry = api_token_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return client

    return client_for


def test_a_clerk_walks_the_selection_through_the_api(api, alice, village_a, year):
    client = api(alice)

    started = client.post("/api/selections/", {"village": village_a.pk, "year": year}, format="json")
    assert started.status_code == 201, started.json()
    pk = started.json()["id"]
    confirmed = client.post(f"/api/selections/{pk}/confirm/").json()
    assert [c["number"] for c in confirmed["candidates"]] == ["0001", "0002"]
    published = client.post(f"/api/selections/{pk}/publish/", {"notice_until": today().isoformat()}, format="json")
    assert published.json()["state"] == "notice"
    early = client.post(f"/api/selections/{pk}/award/")
    assert (early.status_code, early.json()["code"]) == (409, "notice_not_over")

    Selection.objects.filter(pk=pk).update(notice_until=today() - timedelta(days=1))
    assert client.post(f"/api/selections/{pk}/award/").json()["state"] == "awarded"
    titles = client.get("/api/titles/", {"level": "village"}).json()["results"]
    assert sorted(t["number"] for t in titles) == ["0001", "0002"]
    nominated = client.post(f"/api/titles/{titles[0]['id']}/nominate/")
    assert (nominated.status_code, nominated.json()["to_level"]) == (201, "town")
    again = client.post(f"/api/titles/{titles[0]['id']}/nominate/")
    assert (again.status_code, again.json()["code"]) == (409, "already_nominated")


def test_bad_requests_are_refused_with_a_code(api, alice, village_a, year):
    client = api(alice)

    assert (
        client.post("/api/selections/", {"village": village_a.pk, "year": year, "x": 1}, format="json").status_code
        == 400
    )
    future = client.post("/api/selections/", {"village": village_a.pk, "year": today().year}, format="json")
    assert (future.status_code, future.json()["code"]) == (422, "year_not_ended")
    assert not Selection.objects.exists()


def test_the_officer_selects_within_the_quota_and_no_one_else_may(api, awarded, alice, olivia, bob, town_quota):
    first, second = (title_nominate(title=title, by=alice) for title in awarded)

    assert api(alice).get("/api/nominations/").json()["results"] == []
    assert api(alice).post(f"/api/nominations/{first.pk}/select/").status_code == 404
    listed = api(olivia).get("/api/nominations/").json()["results"]
    assert {row["id"] for row in listed} == {first.pk, second.pk}
    selected = api(olivia).post(f"/api/nominations/{first.pk}/select/")
    assert (selected.status_code, selected.json()["level"]) == (201, "town")
    full = api(olivia).post(f"/api/nominations/{second.pk}/select/")
    assert (full.status_code, full.json()["code"]) == (409, "quota_full")
    assert Title.objects.filter(level=Level.TOWN).count() == 1


def test_another_villages_selections_and_titles_are_not_found(api, awarded, bob, alice):
    selection = awarded[0].selection
    assert api(bob).get(f"/api/selections/{selection.pk}/").status_code == 404
    assert api(bob).get("/api/titles/").json()["results"] == []
    assert api(bob).post(f"/api/titles/{awarded[0].pk}/nominate/").status_code == 404
    assert api(bob).post(f"/api/selections/{selection.pk}/confirm/").status_code == 404


def test_an_officer_reads_but_does_not_run_a_villages_selection(api, olivia, village_a, year):
    refused = api(olivia).post("/api/selections/", {"village": village_a.pk, "year": year}, format="json")
    assert refused.status_code == 403
    assert not Selection.objects.exists()
