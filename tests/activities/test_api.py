"""Activities in the API: the admin's permissions and scope, the services' refusals as 403/404/409/422
with a message in the reader's language, and nothing changed by a refused or malformed request."""

import datetime as dt

import pytest
from django.utils import timezone

from activities.models import Activity, Signup
from credits.models import Entry
from credits.services import entry_record
from tests.activities.conftest import publish, village_helper
from tests.api.conftest import new_key
from tests.credits.ledger import scores
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def moment(day, hour=18) -> str:
    return f"{day.isoformat()}T{hour:02d}:00:00+08:00"


def new_activity(award, **fields):
    return {
        "village": award.version.catalogue.village_id,
        "title": "清理河道",
        "rule": award.pk,
        "held_on": today().isoformat(),
        "starts_at": "19:30",
        "place": "村口石桥",
        "capacity": 20,
        "signup_until": moment(today()),
        **fields,
    }


@pytest.fixture
def cleanup(village_a, alice, award, a1):
    """Today's river clean-up in 农丰村, a1 signed up by Alice."""
    from activities.services import signup_create

    activity = publish(village_a, by=alice, rule=award, capacity=3)
    signup_create(activity=activity, household=a1, by=alice)
    return activity


@pytest.fixture
def dora(cleanup):
    """A volunteer named as the clean-up's organiser: no role, no village."""
    user = UserFactory(username="dora")
    cleanup.organisers.add(user)
    return user


def ids(response):
    return [row["id"] for row in response.json()["results"]]


# Reading


def test_the_clerk_lists_their_villages_activities_with_their_counts(api, alice, cleanup, bob, award_b, village_b):
    publish(village_b, by=bob, rule=award_b, title="永丰的")

    body = api(alice).get("/api/activities/").json()

    assert [row["id"] for row in body["results"]] == [cleanup.pk]
    row = body["results"][0]
    assert (row["title"], row["points"], row["state"], row["taken"], row["present"]) == ("清理河道", 2, "open", 1, 0)
    assert (row["capacity"], row["created_by"], row["organisers"]) == (3, "alice", [])


def test_it_filters_by_village_date_and_state(api, alice, cleanup, village_a, award):
    earlier = publish(village_a, by=alice, rule=award, held_on=today() - dt.timedelta(days=40), title="上月的")
    client = api(alice)
    from activities.services import activity_cancel

    activity_cancel(activity=earlier, by=alice)

    assert ids(client.get("/api/activities/", {"held_from": today().isoformat()})) == [cleanup.pk]
    assert ids(client.get("/api/activities/", {"held_to": (today() - dt.timedelta(days=1)).isoformat()})) == [
        earlier.pk
    ]
    assert ids(client.get("/api/activities/", {"state": "cancelled"})) == [earlier.pk]
    assert ids(client.get("/api/activities/", {"state": "open"})) == [cleanup.pk]
    assert ids(client.get("/api/activities/", {"village": village_a.pk, "state": "closed"})) == []
    assert client.get("/api/activities/", {"held_from": ""}).json()["count"] == 2


@pytest.mark.parametrize("value", ["10/25/2025", "2025-13-01", "2025-1-5", "yesterday"])
def test_it_refuses_a_date_filter_that_is_not_yyyy_mm_dd(api, alice, cleanup, value):
    response = api(alice).get("/api/activities/", {"held_from": value})
    assert response.status_code == 400
    assert "held_from" in response.json()["details"]


def test_another_village_finds_nothing_and_an_officer_reads(api, bob, olivia, sam, mallory, cleanup):
    assert api(bob).get("/api/activities/").json()["results"] == []
    assert api(bob).get(f"/api/activities/{cleanup.pk}/").status_code == 404
    assert api(bob).get(f"/api/activities/{cleanup.pk}/signups/").status_code == 404
    assert api(sam).get(f"/api/activities/{cleanup.pk}/").status_code == 404
    assert api(mallory).get("/api/activities/").json()["results"] == []
    assert api(olivia).get(f"/api/activities/{cleanup.pk}/").json()["taken"] == 1
    assert api(None).get("/api/activities/").status_code == 401


def test_a_named_organiser_reads_the_activity_and_its_signups(api, dora, cleanup, a1):
    assert ids(api(dora).get("/api/activities/")) == [cleanup.pk]
    signups = api(dora).get(f"/api/activities/{cleanup.pk}/signups/").json()["results"]
    assert [(row["household"], row["number"], row["signed_up_by"]) for row in signups] == [(a1.pk, "0001", "alice")]


# Publishing and editing


def test_the_clerk_publishes_an_activity(api, alice, award):
    response = api(alice).post("/api/activities/", new_activity(award), format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    activity = Activity.objects.get()
    assert (body["id"], body["starts_at"], body["state"], body["taken"]) == (activity.pk, "19:30", "open", 0)
    assert activity.signup_until == timezone.make_aware(dt.datetime.combine(today(), dt.time(18)))
    assert activity.created_by == alice


def test_a_retried_publication_with_its_key_makes_one_activity(api, alice, award):
    client, key = api(alice), new_key()
    first = client.post("/api/activities/", new_activity(award), format="json", HTTP_IDEMPOTENCY_KEY=key)
    again = client.post("/api/activities/", new_activity(award), format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert (first.status_code, again.status_code, again.json()) == (201, 201, first.json())
    assert again["Idempotent-Replayed"] == "true"
    assert Activity.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"signup_until": moment(today() + dt.timedelta(days=1))}, "bad_activity"),
        ({"held_on": (today() - dt.timedelta(days=1)).isoformat()}, "bad_activity"),
    ],
)
def test_it_refuses_an_activity_the_village_cannot_run_in_chinese(api, alice, award, fields, code):
    response = api(alice, language="zh-hans").post("/api/activities/", new_activity(award, **fields), format="json")

    assert response.json()["code"] == code
    assert response.status_code in (409, 422)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["message"]), response.json()
    assert not Activity.objects.exists()


def test_it_refuses_a_deduction_as_the_activitys_rule(api, alice, deduction):
    response = api(alice).post("/api/activities/", new_activity(deduction), format="json")
    assert (response.status_code, response.json()["code"]) == (422, "bad_activity")
    assert "deduction" in response.json()["message"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("signup_until", "2025-05-01"),  # a date, not a moment
        ("signup_until", "2025-05-01T18:00:00"),  # no offset
        ("signup_until", "2025-05-01T25:00:00+08:00"),
        ("signup_until", 1746093600),
        ("starts_at", "7pm"),
        ("starts_at", "24:00"),
        ("starts_at", 1930),
        ("capacity", 0),
        ("capacity", "5"),
        ("title", " "),
        ("held_on", "20250501"),
        ("organisers", "bob"),  # a list of usernames, not one
        ("organisers", [1]),
    ],
)
def test_it_refuses_a_malformed_activity_and_makes_none(api, alice, award, field, value):
    response = api(alice).post("/api/activities/", new_activity(award, **{field: value}), format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["details"]
    assert not Activity.objects.exists()


def test_a_moment_outside_the_years_that_can_be_stored_is_refused(api, alice, award):
    body = new_activity(award, signup_until="0001-01-01T00:00:00+05:00")
    response = api(alice).post("/api/activities/", body, format="json")
    assert (response.status_code, response.json()["code"]) == (422, "date_out_of_range")


def test_another_villages_clerk_and_an_officer_publish_nothing(api, bob, olivia, award, village_a):
    assert api(bob).post("/api/activities/", new_activity(award), format="json").status_code == 404
    assert api(olivia).post("/api/activities/", new_activity(award), format="json").status_code == 403
    assert not Activity.objects.exists()


def test_the_clerk_edits_an_open_activity(api, alice, cleanup, a2):
    client = api(alice)
    response = client.patch(f"/api/activities/{cleanup.pk}/", {"place": "文化礼堂", "capacity": 5}, format="json")
    assert response.status_code == 200, response.content
    cleanup.refresh_from_db()
    assert (cleanup.place, cleanup.capacity, cleanup.title) == ("文化礼堂", 5, "清理河道")

    lower = client.patch(f"/api/activities/{cleanup.pk}/", {"capacity": 1, "place": "别处"}, format="json")
    assert lower.status_code == 200  # one household signed up: a capacity of one still holds it
    refused = client.patch(f"/api/activities/{cleanup.pk}/", {"held_on": "2000-01-01"}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (422, "bad_activity")  # the deadline after the day
    cleanup.refresh_from_db()
    assert (cleanup.held_on, cleanup.place) == (today(), "别处")


def test_the_clerk_names_the_organisers_when_publishing_and_changes_them(api, alice, award, village_a):
    keeper, other = village_helper(village_a), village_helper(village_a, username="helper2")
    client = api(alice)

    published = client.post("/api/activities/", new_activity(award, organisers=["helper"]), format="json")
    assert published.status_code == 201, published.content
    assert published.json()["organisers"] == ["helper"]
    activity = Activity.objects.get()
    assert list(activity.organisers.all()) == [keeper]

    changed = client.patch(f"/api/activities/{activity.pk}/", {"organisers": ["helper2", "alice"]}, format="json")
    assert changed.status_code == 200, changed.content
    assert sorted(changed.json()["organisers"]) == ["alice", "helper2"]
    assert set(activity.organisers.all()) == {other, alice}

    cleared = client.patch(f"/api/activities/{activity.pk}/", {"organisers": []}, format="json")
    assert (cleared.status_code, cleared.json()["organisers"]) == (200, [])


@pytest.mark.parametrize("name", ["stranger", "nobody-has-this-name"])
def test_it_refuses_an_organiser_who_does_not_work_for_the_village_and_changes_nothing(
    api, alice, cleanup, village_b, name
):
    village_helper(village_b, username="stranger")  # keeps a shop, of another village
    body = {"place": "文化礼堂", "organisers": [name]}

    refused = api(alice).patch(f"/api/activities/{cleanup.pk}/", body, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert (refused.status_code, refused.json()["code"]) == (422, "bad_activity")
    assert name in refused.json()["message"] and "村" in refused.json()["message"]
    cleanup.refresh_from_db()
    assert (cleanup.place, list(cleanup.organisers.all())) == ("村口石桥", [])


def test_an_officer_or_organiser_edits_nothing(api, olivia, dora, cleanup):
    assert api(olivia).patch(f"/api/activities/{cleanup.pk}/", {"place": "x"}, format="json").status_code == 403
    assert api(dora).patch(f"/api/activities/{cleanup.pk}/", {"place": "x"}, format="json").status_code == 403
    cleanup.refresh_from_db()
    assert cleanup.place == "村口石桥"


# Sign-ups


def test_the_clerk_signs_a_household_up_and_withdraws_it(api, alice, cleanup, a2):
    client = api(alice)
    response = client.post(f"/api/activities/{cleanup.pk}/signups/", {"household": a2.pk}, format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["number"], response.json()["signed_up_by"]) == ("0002", "alice")

    again = client.post(f"/api/activities/{cleanup.pk}/signups/", {"household": a2.pk}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "already_signed_up")

    withdrawn = client.post(f"/api/activities/{cleanup.pk}/withdraw/", {"household": a2.pk}, format="json")
    assert (withdrawn.status_code, withdrawn.json()["taken"]) == (200, 1)
    twice = client.post(f"/api/activities/{cleanup.pk}/withdraw/", {"household": a2.pk}, format="json")
    assert (twice.status_code, twice.json()["code"]) == (409, "not_signed_up")


def test_a_full_activity_refuses_another_household(api, alice, village_a, award, a1, a2):
    activity = publish(village_a, by=alice, rule=award, capacity=1)
    client = api(alice, language="zh-hans")
    assert (
        client.post(f"/api/activities/{activity.pk}/signups/", {"household": a1.pk}, format="json").status_code == 201
    )
    full = client.post(f"/api/activities/{activity.pk}/signups/", {"household": a2.pk}, format="json")
    assert (full.status_code, full.json()["code"]) == (409, "activity_full")
    assert "已满" in full.json()["message"] or "名额" in full.json()["message"], full.json()["message"]
    assert Signup.objects.filter(activity=activity).count() == 1


def test_a_household_of_another_village_cannot_be_signed_up(api, alice, cleanup, b1):
    response = api(alice).post(f"/api/activities/{cleanup.pk}/signups/", {"household": b1.pk}, format="json")
    assert response.status_code == 404
    assert not Signup.objects.filter(household=b1).exists()


def test_a_household_checked_in_cannot_be_withdrawn(api, alice, cleanup, a1):
    client = api(alice)
    client.post(f"/api/activities/{cleanup.pk}/check-in/", {"household": a1.pk}, format="json")
    response = client.post(f"/api/activities/{cleanup.pk}/withdraw/", {"household": a1.pk}, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "already_checked_in")


def test_an_officer_signs_nobody_up(api, olivia, cleanup, a2):
    response = api(olivia).post(f"/api/activities/{cleanup.pk}/signups/", {"household": a2.pk}, format="json")
    assert response.status_code == 403
    assert (
        api(olivia).post(f"/api/activities/{cleanup.pk}/withdraw/", {"household": a2.pk}, format="json").status_code
        == 403
    )


# Check-in


def test_the_organiser_checks_in_by_id_and_by_number(api, dora, cleanup, a1, a2):
    client = api(dora)
    by_id = client.post(f"/api/activities/{cleanup.pk}/check-in/", {"household": a1.pk}, format="json")
    assert by_id.status_code == 200, by_id.content
    assert (by_id.json()["already"], by_id.json()["walk_in"], by_id.json()["checked_in_by"]) == (False, False, "dora")

    walk_in = client.post(f"/api/activities/{cleanup.pk}/check-in/", {"code": "2"}, format="json")
    assert (walk_in.json()["household"], walk_in.json()["walk_in"]) == (a2.pk, True)

    again = client.post(f"/api/activities/{cleanup.pk}/check-in/", {"code": "0001"}, format="json")
    assert (again.status_code, again.json()["already"]) == (200, True)
    assert Signup.objects.filter(activity=cleanup, checked_in_at__isnull=False).count() == 2


def test_an_unknown_number_is_not_found_and_changes_nothing(api, alice, cleanup):
    response = api(alice, language="zh-hans").post(
        f"/api/activities/{cleanup.pk}/check-in/", {"code": "9999"}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (404, "household_not_found")
    assert "9999" in response.json()["message"]
    assert not Signup.objects.filter(checked_in_at__isnull=False).exists()


@pytest.mark.parametrize("body", [{}, {"household": 1, "code": "0001"}, {"code": ""}, {"household": "0001"}, []])
def test_a_check_in_names_one_household_one_way(api, alice, cleanup, body):
    response = api(alice).post(f"/api/activities/{cleanup.pk}/check-in/", body, format="json")
    assert response.status_code == 400, response.content
    assert not Signup.objects.filter(checked_in_at__isnull=False).exists()


def test_an_officer_is_not_an_organiser_and_another_village_finds_nothing(api, olivia, bob, sam, cleanup, a1):
    refused = api(olivia).post(f"/api/activities/{cleanup.pk}/check-in/", {"household": a1.pk}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (403, "not_organiser")
    assert (
        api(bob).post(f"/api/activities/{cleanup.pk}/check-in/", {"household": a1.pk}, format="json").status_code
        == 404
    )
    assert (
        api(sam).post(f"/api/activities/{cleanup.pk}/check-in/", {"household": a1.pk}, format="json").status_code
        == 404
    )
    assert not Signup.objects.filter(checked_in_at__isnull=False).exists()


# Closing and cancelling


def test_closing_awards_those_checked_in_and_returns_the_entries(api, alice, cleanup, a1, a2):
    client = api(alice)
    client.post(f"/api/activities/{cleanup.pk}/check-in/", {"household": a1.pk}, format="json")

    response = client.post(f"/api/activities/{cleanup.pk}/close/")

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["count"], body["points"], body["activity"]["state"]) == (1, 2, "closed")
    assert [entry["household"] for entry in body["entries"]] == [a1.pk]
    assert scores(a1, a2) == [(102, 102), (100, 100)]
    again = client.post(f"/api/activities/{cleanup.pk}/close/")
    assert (again.status_code, again.json()["code"]) == (409, "activity_closed")
    late = client.post(f"/api/activities/{cleanup.pk}/check-in/", {"household": a2.pk}, format="json")
    assert (late.status_code, late.json()["code"]) == (409, "activity_closed")
    assert Entry.objects.filter(kind=Entry.Kind.AWARD).count() == 1


def test_a_refused_batch_names_each_household_and_closes_nothing(api, alice, village_a, capped_award, a1, a2):
    activity = publish(village_a, by=alice, rule=capped_award)
    for _ in range(2):
        entry_record(household=a1, rule=capped_award, occurred_on=today(), by=alice)
    client = api(alice)
    for household in (a1, a2):
        client.post(f"/api/activities/{activity.pk}/check-in/", {"household": household.pk}, format="json")

    response = client.post(f"/api/activities/{activity.pk}/close/")

    assert (response.status_code, response.json()["code"]) == (409, "batch_refused")
    assert [(row["household"], row["number"]) for row in response.json()["refusals"]] == [(a1.pk, "0001")]
    activity.refresh_from_db()
    assert not activity.closed
    assert scores(a1, a2) == [(110, 110), (100, 100)]


def test_an_activity_is_closed_on_its_day_or_after(api, alice, village_a, award):
    activity = publish(village_a, by=alice, rule=award, held_on=today() + dt.timedelta(days=3))
    response = api(alice).post(f"/api/activities/{activity.pk}/close/")
    assert (response.status_code, response.json()["code"]) == (409, "not_held_yet")


def test_a_retried_close_with_its_key_replays_the_entries(api, alice, cleanup, a1):
    client, key = api(alice), new_key()
    client.post(f"/api/activities/{cleanup.pk}/check-in/", {"household": a1.pk}, format="json")
    first = client.post(f"/api/activities/{cleanup.pk}/close/", HTTP_IDEMPOTENCY_KEY=key)
    again = client.post(f"/api/activities/{cleanup.pk}/close/", HTTP_IDEMPOTENCY_KEY=key)
    assert (first.status_code, again.status_code, again.json()) == (200, 200, first.json())
    assert scores(a1) == [(102, 102)]


def test_an_officer_or_organiser_closes_and_cancels_nothing(api, olivia, dora, bob, cleanup):
    for user, status in ((olivia, 403), (dora, 403), (bob, 404)):
        assert api(user).post(f"/api/activities/{cleanup.pk}/close/").status_code == status
        assert api(user).post(f"/api/activities/{cleanup.pk}/cancel/").status_code == status
    cleanup.refresh_from_db()
    assert not cleanup.finished


def test_the_clerk_cancels_and_nothing_changes_after(api, alice, cleanup, a2):
    client = api(alice)
    response = client.post(f"/api/activities/{cleanup.pk}/cancel/")
    assert (response.status_code, response.json()["state"], response.json()["cancelled_by"]) == (
        200,
        "cancelled",
        "alice",
    )
    for path, body in (("signups", {"household": a2.pk}), ("check-in", {"household": a2.pk}), ("close", None)):
        refused = client.post(f"/api/activities/{cleanup.pk}/{path}/", body, format="json")
        assert (refused.status_code, refused.json()["code"]) == (409, "activity_cancelled"), path
    assert not Entry.objects.filter(kind=Entry.Kind.AWARD).exists()
