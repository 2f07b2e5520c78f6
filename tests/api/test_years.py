"""The API's years: closes and their frozen figures, and a year's figures, with the admin's permissions."""

import pytest

from credits.services import entry_record
from tests.credits.ledger import last_year, today
from years.services import year_close

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(village_a, alice, a1, a2, award):
    for _ in range(2):
        entry_record(household=a1, rule=award, occurred_on=last_year(), by=alice)
    return year_close(village=village_a, year=last_year().year, by=alice)


def test_a_clerk_reads_the_villages_closes_and_their_frozen_figures(api, alice, closed, a1):
    listed = api(alice).get("/api/year-closes/").json()
    assert [row["id"] for row in listed["results"]] == [closed.pk]

    detail = api(alice).get(f"/api/year-closes/{closed.pk}/").json()
    assert detail["standing"] is True and detail["households"] == 2
    assert detail["rows"][0] | {"household": a1.pk} == {
        "household": a1.pk, "number": "0001", "head_name": "应美凤", "points": 4, "rank": 1, "stars": 0,
        "score": 104, "balance": 104,
    }  # fmt: skip


def test_a_years_figures_say_whether_they_are_frozen(api, olivia, village_a, closed, a1):
    frozen = api(olivia).get(f"/api/villages/{village_a.pk}/years/{closed.year}/").json()
    live = api(olivia).get(f"/api/villages/{village_a.pk}/years/{today().year}/").json()

    assert frozen["closed"] is True and frozen["households"][0]["points"] == 4
    assert live["closed"] is False and {row["points"] for row in live["households"]} == {0}


def test_another_villages_closes_and_years_are_not_found(api, bob, village_a, closed):
    assert api(bob).get(f"/api/year-closes/{closed.pk}/").status_code == 404
    assert api(bob).get("/api/year-closes/").json()["results"] == []
    assert api(bob).get(f"/api/villages/{village_a.pk}/years/{closed.year}/").status_code == 404


def test_a_shopkeeper_and_strangers_read_no_closes(api, sam, mallory, shop_a, closed):
    assert api(sam).get("/api/year-closes/").status_code == 403
    assert api(mallory).get("/api/year-closes/").status_code == 403
    assert api(None).get("/api/year-closes/").status_code == 401


def test_a_year_out_of_range_is_not_found_and_a_bad_filter_is_refused(api, alice, village_a, closed):
    assert api(alice).get(f"/api/villages/{village_a.pk}/years/99999/").status_code == 404
    assert api(alice).get("/api/year-closes/?year=abc").status_code == 400
