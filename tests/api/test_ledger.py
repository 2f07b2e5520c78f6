"""The contract of the API's villages, households, catalogue and ledger: fields, filters, refusals."""

from datetime import timedelta

import pytest

from cases.models import ProcessSettings
from credits.models import Entry
from credits.services import entry_record
from households.models import Household
from households.services import household_close
from tests.credits.ledger import assert_ledger_agrees, last_year, reconcile, today
from tests.factories import open_household

pytestmark = pytest.mark.django_db

HOUSEHOLD_FIELDS = {
    "id", "village", "village_code", "number", "head_name", "group", "score", "balance", "star", "active", "phone",
}  # fmt: skip
ENTRY_FIELDS = {
    "id", "household", "kind", "rule", "rule_name", "domain_name", "rule_standard", "points",
    "score_after", "balance_after",
    "occurred_on", "note", "recorded_by", "created_at", "recorded_late", "reverses", "evidence",
}  # fmt: skip


def test_it_reads_a_household_with_its_phone_masked_and_never_its_pin(api, olivia, a1):
    body = api(olivia).get(f"/api/households/{a1.pk}/").json()
    assert set(body) == HOUSEHOLD_FIELDS
    assert body | {"id": 0} == {
        "id": 0, "village": a1.village_id, "village_code": "nongfeng", "number": "0001", "head_name": "应美凤",
        "group": "第一组", "score": 100, "balance": 100, "star": 0, "active": True, "phone": "138****1234",
    }  # fmt: skip


def test_it_gives_the_phone_in_full_only_to_who_may_see_it(api, alice, olivia, a1):
    assert api(alice).get(f"/api/households/{a1.pk}/").json()["phone"] == "13812341234"
    assert api(alice).get("/api/households/").json()["results"][0]["phone"] == "13812341234"
    assert api(olivia).get("/api/households/").json()["results"][0]["phone"] == "138****1234"


def test_it_filters_households_by_village_group_search_and_state(api, olivia, a1, a2, b1, alice):
    household_close(household=a2, by=alice)
    client = api(olivia)

    def numbers(query):
        response = client.get(f"/api/households/?{query}")
        assert response.status_code == 200, response.content
        return sorted((row["village_code"], row["number"]) for row in response.json()["results"])

    assert numbers(f"village={a1.village_id}") == [("nongfeng", "0001"), ("nongfeng", "0002")]
    assert numbers("group=第一组") == [("nongfeng", "0001"), ("yongfeng", "0001")]
    assert numbers("q=ymf") == [("nongfeng", "0001")]
    assert numbers("q=2") == [("nongfeng", "0002")]
    assert numbers("q=王建") == [("nongfeng", "0002")]
    assert numbers("active=false") == [("nongfeng", "0002")]
    assert client.get("/api/households/?village=abc").json()["code"] == "invalid"
    assert client.get(f"/api/households/?village={2**70}").status_code == 400


def test_it_opens_a_household_with_its_opening_entry(api, alice, village_a):
    response = api(alice).post(
        "/api/households/", {"village": village_a.pk, "number": "0100", "head_name": "曾国藩"}, format="json"
    )
    assert response.status_code == 201, response.content
    household = Household.objects.get(pk=response.json()["id"])
    assert (household.score, household.head_initials) == (100, "zgf")
    assert_ledger_agrees(household)
    again = api(alice).post(
        "/api/households/", {"village": village_a.pk, "number": "0100", "head_name": "某"}, format="json"
    )
    assert (again.status_code, again.json()["code"]) == (409, "household_number_taken")


def test_it_edits_closes_and_reopens_a_household(api, alice, a1, award):
    client = api(alice)
    response = client.patch(f"/api/households/{a1.pk}/", {"head_name": "王美凤", "active": False}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["head_name"], response.json()["active"]) == ("王美凤", False)
    a1.refresh_from_db()
    assert (a1.head_initials, a1.group, a1.phone) == ("wmf", "第一组", "13812341234")
    refused = client.post("/api/entries/", {"household": a1.pk, "rule": award.pk}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (409, "household_closed")
    assert client.patch(f"/api/households/{a1.pk}/", {"active": True}, format="json").json()["active"] is True


def test_it_lists_a_households_entries_newest_first_with_filters(api, olivia, alice, a1, award, deduction):
    entry_record(household=a1, rule=award, occurred_on=last_year(), by=alice)
    entry_record(household=a1, rule=deduction, occurred_on=today(), by=alice)
    client = api(olivia)
    body = client.get(f"/api/households/{a1.pk}/entries/").json()
    assert body["count"] == 3 and set(body["results"][0]) == ENTRY_FIELDS
    assert [row["kind"] for row in body["results"]] == ["deduction", "award", "opening"]
    assert body["results"][0] | {"id": 0, "created_at": ""} == {
        "id": 0, "household": a1.pk, "kind": "deduction", "rule": deduction.pk, "rule_name": "测试扣分",
        "domain_name": deduction.domain.name, "rule_standard": deduction.description, "points": -5,
        "score_after": 97, "balance_after": 97, "occurred_on": today().isoformat(), "note": "",
        "recorded_by": "alice", "created_at": "", "recorded_late": False, "reverses": None, "evidence": [],
    }  # fmt: skip
    assert body["results"][1]["recorded_late"] is True  # last year's deed, recorded today

    def kinds(query):
        return [row["kind"] for row in client.get(f"/api/households/{a1.pk}/entries/?{query}").json()["results"]]

    assert kinds("kind=award") == ["award"]
    assert kinds(f"year={last_year().year}") == ["award"]
    assert kinds(f"domain={deduction.domain_id}") == ["deduction"]
    assert client.get(f"/api/households/{a1.pk}/entries/?kind=bogus").status_code == 400
    assert client.get(f"/api/households/{a1.pk}/entries/?year=1.5").status_code == 400
    page = client.get(f"/api/households/{a1.pk}/entries/?page_size=2&page=2").json()
    assert [row["kind"] for row in page["results"]] == ["opening"] and page["previous"]
    assert client.get(f"/api/households/{a1.pk}/entries/?page=9").status_code == 404


RULE_FIELDS = {
    "id",
    "version",
    "key",
    "domain",
    "name",
    "points",
    "cap_per_year",
    "cap_per_month",
    "description",
    "active",
}


def test_it_keeps_the_catalogue(api, alice, award, draft_award):
    client = api(alice)
    rule = client.get(f"/api/rules/{award.pk}/").json()
    assert set(rule) == RULE_FIELDS
    body = {"domain": draft_award.domain_id, "name": "清理河道", "points": 4, "cap_per_year": 3}
    created = client.post("/api/rules/", body, format="json")
    assert created.status_code == 201 and created.json()["cap_per_year"] == 3
    assert client.post("/api/rules/", body, format="json").json()["code"] == "rule_name_taken"
    zero = client.post("/api/rules/", {**body, "name": "x", "points": 0}, format="json")
    assert (zero.status_code, zero.json()["code"]) == (422, "zero_points")
    for bad in [{"points": 10**30}, {"points": -1001}, {"cap_per_year": 0}, {"cap_per_year": 367}]:
        response = client.post("/api/rules/", {**body, "name": "x", **bad}, format="json")
        assert (response.status_code, set(response.json()["details"])) == (400, set(bad))
    assert client.get("/api/domains/").json()["count"] >= 5


def test_it_refuses_to_edit_an_adopted_version(api, alice, award):
    response = api(alice).patch(f"/api/rules/{award.pk}/", {"points": 7}, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "version_adopted")
    award.refresh_from_db()
    assert award.points == 2


def test_it_never_rewrites_past_entries_when_a_rule_changes(api, alice, a1, award, draft_award):
    entry = entry_record(household=a1, rule=award, occurred_on=today(), by=alice)
    response = api(alice).patch(f"/api/rules/{draft_award.pk}/", {"points": 7, "name": "新名字"}, format="json")
    assert response.json() | {"id": 0} == {
        "id": 0, "version": draft_award.version_id, "key": award.key, "domain": draft_award.domain_id,
        "name": "新名字", "points": 7, "cap_per_year": None, "cap_per_month": None,
        "description": award.description, "active": True,
    }  # fmt: skip
    entry.refresh_from_db()
    assert (entry.points, entry.rule_name) == (2, "测试奖励")


def test_it_records_an_entry_and_refuses_what_the_ledger_refuses(api, alice, a1, award, capped_award):
    client = api(alice)
    response = client.post(
        "/api/entries/",
        {"household": a1.pk, "rule": award.pk, "occurred_on": today().isoformat(), "note": "扫雪"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["score_after"] == 102 and response.json()["note"] == "扫雪"
    future = client.post(
        "/api/entries/",
        {"household": a1.pk, "rule": award.pk, "occurred_on": (today() + timedelta(days=1)).isoformat()},
        format="json",
    )
    assert (future.status_code, future.json()["code"]) == (422, "future_date")
    far = client.post(
        "/api/entries/", {"household": a1.pk, "rule": award.pk, "occurred_on": "9999-12-31"}, format="json"
    )
    assert far.json()["code"] == "future_date"
    for _ in range(2):
        assert (
            client.post("/api/entries/", {"household": a1.pk, "rule": capped_award.pk}, format="json").status_code
            == 201
        )
    capped = client.post("/api/entries/", {"household": a1.pk, "rule": capped_award.pk}, format="json")
    assert (capped.status_code, capped.json()["code"]) == (409, "rule_cap_reached")
    capped_award.active = False
    capped_award.save()
    retired = client.post("/api/entries/", {"household": a1.pk, "rule": capped_award.pk}, format="json")
    assert (retired.status_code, retired.json()["code"]) == (409, "rule_retired")
    assert client.post("/api/entries/", {"household": a1.pk, "rule": 10**6}, format="json").status_code == 404
    assert_ledger_agrees(a1)


def test_it_records_a_batch_whole_or_refuses_it_naming_each_household(api, alice, a1, a2, capped_award):
    client = api(alice)
    for _ in range(2):
        entry_record(household=a2, rule=capped_award, occurred_on=today(), by=alice)
    before = Entry.objects.count()
    refused = client.post(
        "/api/entries/batch/", {"households": [a1.pk, a2.pk], "rule": capped_award.pk}, format="json"
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "batch_refused"
    assert [(r["household"], r["number"]) for r in refused.json()["refusals"]] == [(a2.pk, "0002")]
    assert Entry.objects.count() == before
    skipping = client.post(
        "/api/entries/batch/", {"households": [a1.pk, a2.pk], "skip": [a2.pk], "rule": capped_award.pk}, format="json"
    )
    assert skipping.status_code == 201
    assert (skipping.json()["count"], skipping.json()["skipped"]) == (1, [a2.pk])
    assert [row["household"] for row in skipping.json()["entries"]] == [a1.pk]
    done = client.post("/api/entries/batch/", {"households": [a1.pk, a1.pk], "rule": capped_award.pk}, format="json")
    assert done.status_code == 201 and done.json()["count"] == 1
    assert (
        client.post("/api/entries/batch/", {"households": [], "rule": capped_award.pk}, format="json").status_code
        == 400
    )


def test_it_reverses_an_entry_once(api, alice, a1, award_a1):
    client = api(alice)
    response = client.post(f"/api/entries/{award_a1.pk}/reverse/", {"reason": "记错了"}, format="json")
    assert response.status_code == 201
    assert (response.json()["kind"], response.json()["reverses"], response.json()["points"]) == (
        "reversal",
        award_a1.pk,
        -2,
    )
    again = client.post(f"/api/entries/{award_a1.pk}/reverse/", {"reason": "再来"}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "already_reversed")
    opening = a1.entries.get(kind="opening")
    refused = client.post(f"/api/entries/{opening.pk}/reverse/", {"reason": "x"}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (422, "not_reversible")
    blank = client.post(f"/api/entries/{award_a1.pk}/reverse/", {"reason": "   "}, format="json")
    assert blank.status_code == 400 and "reason" in blank.json()["details"]


def test_it_adjusts_by_hand_within_bounds(api, alice, a1):
    # A village that records adjustments at once (the default holds them: tests/cases/test_api.py).
    ProcessSettings.objects.create(village=a1.village, approve_adjustments=False, notice_negative_adjustments=False)
    client = api(alice)
    response = client.post("/api/adjustments/", {"household": a1.pk, "points": -3, "reason": "补扣"}, format="json")
    assert (response.status_code, response.json()["kind"], response.json()["score_after"]) == (201, "adjustment", 97)
    zero = client.post("/api/adjustments/", {"household": a1.pk, "points": 0, "reason": "x"}, format="json")
    assert (zero.status_code, zero.json()["code"]) == (422, "zero_points")
    huge = client.post("/api/adjustments/", {"household": a1.pk, "points": 10**30, "reason": "x"}, format="json")
    assert huge.status_code == 400 and set(huge.json()["details"]) == {"points"}
    assert "agree" in reconcile()


def test_it_refuses_a_date_before_the_household_was_opened(api, alice, village_a, award):
    fresh = open_household(village_a, by=alice, opened_on=today() - timedelta(days=7))
    client = api(alice)

    entry = client.post("/api/entries/", {"household": fresh.pk, "rule": award.pk, "occurred_on": "0001-01-01"},
                        format="json")  # fmt: skip
    adjustment = client.post("/api/adjustments/", {"household": fresh.pk, "points": 2, "reason": "补录",
                                                   "occurred_on": "2001-01-01"}, format="json")  # fmt: skip

    assert (entry.status_code, entry.json()["code"]) == (422, "before_opening")
    assert (adjustment.status_code, adjustment.json()["code"]) == (422, "before_opening")
    assert Entry.objects.filter(household=fresh).count() == 1
