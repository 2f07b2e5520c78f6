"""Activities on the household's lookup page: the village's open ones, signing up and withdrawing
(by card and by PIN, always for the household itself), its own sign-ups and attendance, and every
refusal as a message in Chinese with nothing changed."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, Signup
from activities.services import activity_cancel, activity_close, check_in, signup_create
from households.services import household_close, household_set_pin
from tests.activities.conftest import publish

pytestmark = pytest.mark.django_db

PIN = "2468"
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def card_url(household) -> str:
    return reverse("lookup_card", args=[household.card_token])


def sign_up_url(household, activity) -> str:
    return reverse("lookup_card_signup", args=[household.card_token, activity.pk])


def withdraw_url(household, activity) -> str:
    return reverse("lookup_card_withdraw", args=[household.card_token, activity.pk])


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def tomorrow_at(hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


@pytest.fixture
def meeting(village_a, alice, award):
    """Tomorrow's 村民议事 meeting in 农丰村 at 19:00, two places, sign-up until 18:00."""
    return publish(
        village_a,
        by=alice,
        rule=award,
        title="村民议事会",
        place="村委会二楼",
        held_on=timezone.localdate() + dt.timedelta(days=1),
        starts_at=dt.time(19, 0),
        signup_until=tomorrow_at(18),
        capacity=2,
    )


@pytest.fixture
def cleanup(village_a, alice, award):
    """Today's river clean-up (its sign-up may have ended: the tests' clock is anywhere in the day)."""
    return publish(village_a, by=alice, rule=award)


@pytest.fixture
def pin_client(a1, alice):
    household_set_pin(household=a1, pin=PIN, by=alice)
    client = Client()
    client.post(reverse("lookup"), {"village": a1.village.code, "number": a1.number, "pin": PIN})
    return client


def test_the_record_lists_the_villages_open_activities_with_places_points_and_deadline(client, a1, a2, meeting):
    signup_create(activity=meeting, household=a2)

    page = client.get(card_url(a1), **ZH).content.decode()

    assert "村民议事会" in page and "村委会二楼" in page
    assert meeting.held_on.strftime("%Y-%m-%d") in page and "19:00" in page
    assert "+2" in page and "还剩 1 个名额" in page
    assert f"报名截止 {tomorrow_at(18):%Y-%m-%d} 18:00" in page
    assert sign_up_url(a1, meeting) in page
    # No other household's name is shown.
    assert "王建国" not in page


def test_the_record_leaves_off_other_villages_cancelled_closed_and_past_deadline_activities(
    client, a1, village_a, village_b, alice, bob, award, award_b
):
    publish(village_b, by=bob, rule=award_b, title="永丰村的活动")
    cancelled = publish(village_a, by=alice, rule=award, title="取消了的活动")
    activity_cancel(activity=cancelled, by=alice)
    closed = publish(village_a, by=alice, rule=award, title="结束了的活动")
    activity_close(activity=closed, by=alice)
    publish(
        village_a, by=alice, rule=award, title="截止了的活动", signup_until=timezone.now() - dt.timedelta(minutes=1)
    )

    page = client.get(card_url(a1), **ZH).content.decode()

    for title in ("永丰村的活动", "取消了的活动", "结束了的活动", "截止了的活动"):
        assert title not in page
    assert "目前没有可报名的活动" in page


def test_a_household_signs_itself_up_by_its_card(client, a1, meeting):
    response = client.post(sign_up_url(a1, meeting), **ZH)

    assert response.status_code == 302 and response.url == card_url(a1) + "#lk-activities"
    signup = Signup.objects.get()
    assert (signup.activity, signup.household, signup.signed_up_by) == (meeting, a1, None)
    assert any("已报名“村民议事会”" in message for message in said(response))
    page = client.get(card_url(a1), **ZH).content.decode()
    assert "已报名" in page and withdraw_url(a1, meeting) in page
    assert sign_up_url(a1, meeting) not in page


def test_a_household_signs_up_by_its_pin_and_only_for_itself(pin_client, a1, a2, meeting):
    response = pin_client.post(reverse("lookup_me_signup", args=[meeting.pk]), {"household": a2.pk}, **ZH)

    assert response.status_code == 302 and response.url == reverse("lookup_me") + "#lk-activities"
    assert list(Signup.objects.values_list("household", flat=True)) == [a1.pk]
    page = pin_client.get(reverse("lookup_me"), **ZH).content.decode()
    assert reverse("lookup_me_withdraw", args=[meeting.pk]) in page
    # The PIN's page never shows the card's link.
    assert a1.card_token not in page


def test_a_household_withdraws_by_its_card_and_by_its_pin(client, pin_client, a1, meeting):
    signup_create(activity=meeting, household=a1)
    response = client.post(withdraw_url(a1, meeting), **ZH)

    assert response.status_code == 302 and not Signup.objects.exists()
    assert said(response) == ["已取消报名“村民议事会”。"]

    signup_create(activity=meeting, household=a1)
    pin_client.post(reverse("lookup_me_withdraw", args=[meeting.pk]), **ZH)
    assert not Signup.objects.exists()


def test_the_record_shows_past_attendance_and_points_awarded(client, a1, a2, alice, cleanup):
    check_in(activity=cleanup, household=a1, by=alice)
    signup_create(activity=cleanup, household=a2, by=alice)
    activity_close(activity=cleanup, by=alice)

    came = client.get(card_url(a1), **ZH).content.decode()
    absent = client.get(card_url(a2), **ZH).content.decode()

    assert "清理河道" in came and "已签到，已记分" in came and "+2" in came
    assert "清理河道" in absent and "未到场" in absent
    assert withdraw_url(a1, cleanup) not in came


# Refusals: a message in Chinese, nothing changed.


def refused(client, url, message):
    before = list(Signup.objects.values_list("pk", "activity", "household", "checked_in_at"))
    response = client.post(url, **ZH)
    assert response.status_code == 302 and response.url.endswith("#lk-activities")
    assert any(message in text for text in said(response)), said(response)
    assert list(Signup.objects.values_list("pk", "activity", "household", "checked_in_at")) == before


def test_it_refuses_a_sign_up_after_the_deadline(client, a1, meeting):
    Activity.objects.filter(pk=meeting.pk).update(signup_until=timezone.now() - dt.timedelta(minutes=1))
    refused(client, sign_up_url(a1, meeting), "的报名已于")


def test_it_refuses_a_sign_up_when_the_activity_is_full(client, village_a, alice, a1, a2, award):
    day = timezone.localdate() + dt.timedelta(days=1)
    one_place = publish(village_a, by=alice, rule=award, capacity=1, held_on=day)
    signup_create(activity=one_place, household=a2)
    refused(client, sign_up_url(a1, one_place), "已报满")


def test_it_refuses_another_villages_activity(client, a1, village_b, bob, award_b):
    theirs = publish(village_b, by=bob, rule=award_b)
    refused(client, sign_up_url(a1, theirs), "本村没有这个活动")
    refused(client, withdraw_url(a1, theirs), "本村没有这个活动")


def test_it_refuses_an_unknown_activity(client, a1):
    refused(client, reverse("lookup_card_signup", args=[a1.card_token, 999999]), "本村没有这个活动")


def test_it_refuses_a_cancelled_activity(client, a1, alice, meeting):
    signup_create(activity=meeting, household=a1)
    activity_cancel(activity=meeting, by=alice)
    refused(client, withdraw_url(a1, meeting), "已取消，不能再作任何更改")
    Signup.objects.all().delete()
    refused(client, sign_up_url(a1, meeting), "已取消，不能再作任何更改")


def test_it_refuses_a_closed_activity(client, a1, alice, cleanup):
    activity_close(activity=cleanup, by=alice)
    refused(client, sign_up_url(a1, cleanup), "已结束，不能再作任何更改")


def test_it_refuses_signing_up_twice(client, a1, meeting):
    signup_create(activity=meeting, household=a1)
    refused(client, sign_up_url(a1, meeting), "0001 户已报名")


def test_it_refuses_withdrawing_after_the_deadline_or_once_checked_in(client, a1, a2, alice, meeting):
    signup_create(activity=meeting, household=a1)
    check_in(activity=meeting, household=a2, by=alice)
    refused(client, withdraw_url(a2, meeting), "0002 户已签到")
    Activity.objects.filter(pk=meeting.pk).update(signup_until=timezone.now() - dt.timedelta(minutes=1))
    refused(client, withdraw_url(a1, meeting), "的报名已于")


def test_it_refuses_withdrawing_when_not_signed_up(client, a1, meeting):
    refused(client, withdraw_url(a1, meeting), "0001 户没有报名")


def test_it_refuses_a_closed_household(client, a1, alice, meeting):
    household_close(household=a1, by=alice)
    refused(client, sign_up_url(a1, meeting), "已销户")
    page = client.get(card_url(a1), **ZH).content.decode()
    assert sign_up_url(a1, meeting) not in page


def test_it_takes_posts_only_with_the_csrf_token(a1, meeting):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(sign_up_url(a1, meeting)).status_code == 403
    assert strict.get(sign_up_url(a1, meeting)).status_code == 405
    assert not Signup.objects.exists()


def test_it_asks_for_the_pin_again_without_a_grant(client, a1, meeting):
    response = client.post(reverse("lookup_me_signup", args=[meeting.pk]), **ZH)
    assert response.status_code == 302 and response.url == reverse("lookup")
    assert not Signup.objects.exists()


def test_an_unknown_card_signs_up_nothing(client, meeting):
    response = client.post(reverse("lookup_card_signup", args=["x" * 32, meeting.pk]), **ZH)
    assert response.status_code == 404 and not Signup.objects.exists()
