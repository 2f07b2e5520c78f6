"""Cases in the API: writes held for notice or approval, the queue, approving and deciding, with
the pages' permissions and the services' refusals as 403/409 with a message."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import Case
from cases.services import case_object, record
from tests.api.conftest import api  # noqa: F401 (a fixture)
from tests.credits.ledger import scores

pytestmark = pytest.mark.django_db
State = Case.State


def held(household, rule, by):
    (case,) = record(households=[household], rule=rule, occurred_on=timezone.localdate(), by=by).cases
    return case


def test_recording_a_deduction_answers_202_with_the_case(api, alice, a1, deduction):  # noqa: F811
    response = api(alice).post("/api/entries/", {"household": a1.pk, "rule": deduction.pk}, format="json")

    assert response.status_code == 202
    body = response.json()
    assert (body["state"], body["points"], body["entry"]) == ("notice", -5, None)
    assert scores(a1) == [(100, 100)]


def test_recording_an_award_still_answers_201_with_the_entry(api, alice, a1, award):  # noqa: F811
    response = api(alice).post("/api/entries/", {"household": a1.pk, "rule": award.pk}, format="json")

    assert (response.status_code, response.json()["score_after"]) == (201, 102)


def test_a_batch_lists_the_cases_apart_from_the_entries(api, alice, a1, a2, deduction):  # noqa: F811
    response = api(alice).post(
        "/api/entries/batch/", {"households": [a1.pk, a2.pk], "rule": deduction.pk}, format="json"
    )

    body = response.json()
    assert (response.status_code, body["count"], body["entries"]) == (201, 0, [])
    assert sorted(case["household"] for case in body["cases"]) == sorted([a1.pk, a2.pk])


def test_another_clerk_approves_and_the_maker_is_refused(api, alice, carl, a1, big_award):  # noqa: F811
    case = held(a1, big_award, alice)

    refused = api(alice).post(f"/api/cases/{case.pk}/approve/")
    assert (refused.status_code, refused.json()["code"]) == (403, "own_case")

    approved = api(carl).post(f"/api/cases/{case.pk}/approve/")
    assert (approved.status_code, approved.json()["state"]) == (200, "final")
    assert scores(a1) == [(120, 120)]

    again = api(carl).post(f"/api/cases/{case.pk}/approve/")
    assert (again.status_code, again.json()["code"]) == (409, "case_not_waiting")


def test_a_reviewer_reduces_an_objected_deduction(api, alice, rita, a1, big_deduction, village_a):  # noqa: F811
    case = held(a1, big_deduction, alice)
    api(rita).post(f"/api/cases/{case.pk}/approve/")
    case_object(case=case, text="规模不大")

    response = api(rita).post(
        f"/api/cases/{case.pk}/decide/", {"decision": "reduced", "points": -10, "reason": "酌情减半"}, format="json"
    )

    assert (response.status_code, response.json()["final_points"]) == (200, -10)
    assert scores(a1) == [(90, 90)]


def test_a_clerk_may_not_decide_an_objection(api, alice, carl, a1, deduction):  # noqa: F811
    case = held(a1, deduction, alice)
    case_object(case=case, text="不服")

    response = api(carl).post(f"/api/cases/{case.pk}/decide/", {"decision": "withdrawn", "reason": "算了"})

    assert response.status_code == 403
    case.refresh_from_db()
    assert case.state == State.OBJECTED


def test_the_queue_is_scoped_and_reading_finalises_what_is_due(api, alice, bob, olivia, a1, deduction):  # noqa: F811
    case = held(a1, deduction, alice)
    Case.objects.filter(pk=case.pk).update(notice_ends_at=timezone.now() - timedelta(minutes=1))

    assert api(bob).get("/api/cases/").json()["results"] == []
    assert api(bob).get(f"/api/cases/{case.pk}/").status_code == 404
    (row,) = api(olivia).get("/api/cases/").json()["results"]

    assert row["state"] == "final" and row["entry"] is not None
    assert scores(a1) == [(95, 95)]
    assert api(olivia).post(f"/api/cases/{case.pk}/approve/").status_code in (403, 409)


def test_a_shopkeeper_reads_no_case(api, sam, a1, alice, deduction):  # noqa: F811
    held(a1, deduction, alice)

    assert api(sam).get("/api/cases/").status_code == 403
