"""Claims and reports in the API: the clerk's queue and decisions with the admin's permissions and
scope; refusals as 403/409 with a message."""

import pytest

from claims.models import Claim
from claims.services import claim_submit, report_submit
from tests.api.conftest import api  # noqa: F401 (a fixture)
from tests.claims.conftest import photo
from tests.credits.ledger import scores, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim(a1, claimable):
    return claim_submit(household=a1, rule=claimable, occurred_on=today(), description="帮忙收稻谷", files=[photo()])


def test_the_clerk_lists_their_villages_claims_with_links_to_the_photos(api, alice, claim, b1, claimable_b):  # noqa: F811
    claim_submit(household=b1, rule=claimable_b, occurred_on=today(), description="永丰的")

    body = api(alice).get("/api/claims/").json()

    assert [row["id"] for row in body["results"]] == [claim.pk]
    row = body["results"][0]
    assert (row["state"], row["points"], row["household"]) == ("pending", 2, claim.household_id)
    assert row["photos"][0].endswith(claim.evidence.get().get_absolute_url())


def test_the_household_filter_lists_one_households_claims(api, alice, claim, a2, claimable):  # noqa: F811
    claim_submit(household=a2, rule=claimable, occurred_on=today(), description="也帮忙")
    body = api(alice).get("/api/claims/", {"household": claim.household_id}).json()
    assert [row["id"] for row in body["results"]] == [claim.pk]


def test_the_clerk_approves_once_and_the_entry_is_recorded(api, alice, claim, a1):  # noqa: F811
    response = api(alice).post(f"/api/claims/{claim.pk}/approve/")

    body = response.json()
    assert (response.status_code, body["state"], body["decided_by"]) == (200, "approved", "alice")
    assert body["entry"] == Claim.objects.get().entry_id is not None
    assert scores(a1) == [(102, 102)]
    again = api(alice).post(f"/api/claims/{claim.pk}/approve/")
    assert (again.status_code, again.json()["code"]) == (409, "claim_not_pending")


def test_the_clerk_rejects_with_a_reason(api, alice, claim):  # noqa: F811
    assert api(alice).post(f"/api/claims/{claim.pk}/reject/", {"reason": " "}, format="json").status_code == 400
    response = api(alice).post(f"/api/claims/{claim.pk}/reject/", {"reason": "看不清"}, format="json")
    assert (response.status_code, response.json()["state"], response.json()["reason"]) == (200, "rejected", "看不清")


def test_another_villages_clerk_finds_nothing_and_an_officer_decides_nothing(api, bob, olivia, claim, a1):  # noqa: F811
    assert api(bob).get(f"/api/claims/{claim.pk}/").status_code == 404
    assert api(bob).post(f"/api/claims/{claim.pk}/approve/").status_code == 404
    assert api(olivia).get(f"/api/claims/{claim.pk}/").status_code == 200
    assert api(olivia).post(f"/api/claims/{claim.pk}/approve/").status_code == 403
    assert api(None).get("/api/claims/").status_code == 401
    assert scores(a1) == [(100, 100)]


def test_the_clerk_lists_and_handles_reports(api, alice, bob, a1):  # noqa: F811
    report = report_submit(household=a1, description="桥边有垃圾", place="东桥")
    assert api(bob).get("/api/village-reports/").json()["results"] == []
    assert api(bob).post(f"/api/village-reports/{report.pk}/handle/", {"note": "x"}, format="json").status_code == 404

    response = api(alice).post(f"/api/village-reports/{report.pk}/handle/", {"note": "已清理"}, format="json")

    assert (response.status_code, response.json()["state"], response.json()["handled_by"]) == (200, "handled", "alice")


def test_the_list_is_in_the_queues_order_pending_first_the_longest_waiting_on_top(api, alice, queue):  # noqa: F811
    body = api(alice).get("/api/claims/").json()
    assert [row["id"] for row in body["results"]] == queue
    pending = api(alice).get("/api/claims/", {"state": "pending"}).json()
    assert [row["id"] for row in pending["results"]] == queue[:2]
