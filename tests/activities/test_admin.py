"""Activities in the admin: publish, sign up, tick, close, cancel; each for whom it is, and refused
clearly with nothing changed."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, Signup
from activities.services import check_in, signup_create
from credits.models import Entry
from credits.services import entry_record
from tests.activities.conftest import publish
from tests.credits.ledger import scores
from tests.factories import RuleFactory

pytestmark = pytest.mark.django_db

ADD = reverse("admin:activities_activity_add")
LIST = reverse("admin:activities_activity_changelist")


@pytest.fixture
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def signups_url(activity) -> str:
    return reverse("admin:activities_activity_signups", args=[activity.pk])


def form_data(village, rule, *, held_on=None, **fields):
    held_on = held_on or timezone.localdate() + dt.timedelta(days=7)
    deadline = held_on - dt.timedelta(days=1)
    data = {
        "village": village.pk,
        "title": "清理河道",
        "rule": rule.pk,
        "held_on": held_on.isoformat(),
        "starts_at": "09:00",
        "place": "村口石桥",
        "capacity": "20",
        "signup_until_0": deadline.isoformat(),
        "signup_until_1": "18:00",
        "description": "",
    }
    data.update(fields)
    return data


def test_a_clerk_publishes_an_activity_of_their_village(english, alice, village_a, award):
    english.force_login(alice)

    page = english.post(ADD, form_data(village_a, award))

    assert page.status_code == 302, page.content.decode()[:2000]
    activity = Activity.objects.get()
    assert (activity.village, activity.rule, activity.capacity, activity.created_by) == (village_a, award, 20, alice)
    assert timezone.localtime(activity.signup_until).hour == 18


def test_the_rule_is_offered_from_the_clerks_catalogue_awards_only(english, alice, award, deduction, award_b):
    english.force_login(alice)
    html = english.get(ADD).content.decode()
    assert f'value="{award.pk}"' in html
    assert f'value="{deduction.pk}"' not in html
    assert f'value="{award_b.pk}"' not in html


def test_a_deadline_after_the_start_is_refused_with_nothing_published(english, alice, village_a, award):
    english.force_login(alice)
    held_on = timezone.localdate() + dt.timedelta(days=3)

    page = english.post(
        ADD, form_data(village_a, award, held_on=held_on, signup_until_0=held_on.isoformat(), signup_until_1="10:00")
    )

    assert page.status_code == 200
    assert "The sign-up deadline must come before the activity starts." in page.content.decode()
    assert not Activity.objects.exists()


def test_another_villages_rule_or_village_is_not_a_choice(english, alice, village_a, village_b, award, award_b):
    english.force_login(alice)
    assert english.post(ADD, form_data(village_a, award_b)).status_code == 200
    assert english.post(ADD, form_data(village_b, award)).status_code == 200
    assert not Activity.objects.exists()


def test_another_villages_activity_is_not_found(client, bob, village_a, alice, award):
    activity = publish(village_a, by=alice, rule=award)
    client.force_login(bob)
    assert client.get(reverse("admin:activities_activity_change", args=[activity.pk])).status_code == 404
    assert client.get(signups_url(activity)).status_code == 404
    assert client.post(signups_url(activity), {"action": "close"}).status_code == 404
    assert client.get(LIST).content.decode().count("清理河道") == 0
    assert not Activity.objects.get().closed


def test_an_officer_reads_the_signups_but_changes_nothing(client, olivia, cleanup, a1):
    signup_create(activity=cleanup, household=a1)
    client.force_login(olivia)
    page = client.get(signups_url(cleanup))
    assert page.status_code == 200
    assert "应美凤" in page.content.decode()
    assert 'id="xf-close-form"' not in page.content.decode()
    assert client.post(signups_url(cleanup), {"action": "close"}).status_code == 403
    cleanup.refresh_from_db()
    assert not cleanup.closed


def test_the_clerk_signs_a_household_up_by_its_number(english, alice, cleanup, a1):
    english.force_login(alice)
    page = english.post(signups_url(cleanup), {"action": "add", "add-code": "1"}, follow=True)
    assert "0001 应美凤 is signed up." in page.content.decode()
    assert list(cleanup.signups.values_list("household", flat=True)) == [a1.pk]


def test_signing_up_a_household_of_another_village_or_to_a_full_activity_is_refused(
    english, alice, village_a, award, a1, a2, b1
):
    activity = publish(village_a, by=alice, rule=award, capacity=1)
    english.force_login(alice)
    page = english.post(signups_url(activity), {"action": "add", "add-code": b1.card_token})
    assert "No household of 农丰村" in page.content.decode()
    english.post(signups_url(activity), {"action": "add", "add-code": "1"})
    page = english.post(signups_url(activity), {"action": "add", "add-code": "2"})
    assert "is full: all 1 places are taken" in page.content.decode()
    assert list(activity.signups.values_list("household", flat=True)) == [a1.pk]


def test_ticking_the_list_checks_in_and_unticks(english, alice, cleanup, a1, a2):
    one, _two = (signup_create(activity=cleanup, household=h) for h in (a1, a2))
    check_in(activity=cleanup, household=a2, by=alice)
    english.force_login(alice)

    page = english.post(signups_url(cleanup), {"action": "tick", "present": [one.pk]}, follow=True)

    assert "1 checked in, 1 unticked" in page.content.decode()
    assert [s.checked_in for s in Signup.objects.order_by("household__number")] == [True, False]


def test_closing_awards_the_households_checked_in_once(english, alice, cleanup, a1, a2, award):
    signup_create(activity=cleanup, household=a1)
    signup_create(activity=cleanup, household=a2)
    check_in(activity=cleanup, household=a1, by=alice)
    english.force_login(alice)

    page = english.post(signups_url(cleanup), {"action": "close"}, follow=True)
    again = english.post(signups_url(cleanup), {"action": "close"})

    assert "1 household checked in was awarded, 2 points in all" in page.content.decode()
    assert again.status_code == 403  # a closed activity is read-only
    assert scores(a1, a2) == [(102, 102), (100, 100)]
    assert Entry.objects.filter(rule__key=award.key).count() == 1


def test_a_refused_close_names_each_household_and_awards_nobody(english, alice, village_a, a1, a2):
    capped = RuleFactory(village=village_a, name="志愿服务", points=5, cap_per_year=1)
    entry_record(household=a1, rule=capped, occurred_on=timezone.localdate() - dt.timedelta(days=1), by=alice)
    activity = publish(village_a, by=alice, rule=capped)
    for household in (a1, a2):
        check_in(activity=activity, household=household, by=alice)
    english.force_login(alice)

    page = english.post(signups_url(activity), {"action": "close"}, follow=True)

    html = page.content.decode()
    assert "Nothing was recorded: 1 household was refused." in html
    assert "0001 应美凤" in html
    assert scores(a1, a2) == [(105, 105), (100, 100)]
    activity.refresh_from_db()
    assert not activity.closed


def test_closing_before_the_day_is_refused(english, alice, village_a, award, a1):
    activity = publish(village_a, by=alice, rule=award, held_on=timezone.localdate() + dt.timedelta(days=2))
    check_in(activity=activity, household=a1, by=alice)
    english.force_login(alice)
    page = english.post(signups_url(activity), {"action": "close"}, follow=True)
    assert "it can be closed on that day or after" in page.content.decode()
    assert scores(a1) == [(100, 100)]


def test_cancelling_awards_nothing_and_freezes_the_activity(english, alice, cleanup, a1):
    check_in(activity=cleanup, household=a1, by=alice)
    english.force_login(alice)

    page = english.post(signups_url(cleanup), {"action": "cancel"}, follow=True)

    assert "is cancelled; nothing was awarded" in page.content.decode()
    cleanup.refresh_from_db()
    assert cleanup.cancelled and not cleanup.closed
    assert english.post(signups_url(cleanup), {"action": "close"}).status_code == 403
    assert scores(a1) == [(100, 100)]


def test_the_clerk_removes_a_household_not_yet_checked_in(english, alice, cleanup, a1):
    signup = signup_create(activity=cleanup, household=a1)
    english.force_login(alice)
    page = english.post(signups_url(cleanup), {"action": "remove", "signup": signup.pk}, follow=True)
    assert "is no longer signed up" in page.content.decode()
    assert not cleanup.signups.exists()


def test_the_list_shows_places_and_state(english, alice, cleanup, a1):
    signup_create(activity=cleanup, household=a1)
    english.force_login(alice)
    html = english.get(LIST).content.decode()
    assert "1 / 3" in html
    assert "sign-up open" in html
