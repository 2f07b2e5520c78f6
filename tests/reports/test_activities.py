"""The report page's activities: households signed up and checked in and the points awarded, by
the month held and by group, of the reader's villages only, cancelled activities left out."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activities.services import activity_cancel, activity_close, check_in, signup_create
from tests.activities.conftest import publish
from tests.factories import open_household

pytestmark = pytest.mark.django_db

URL = reverse("reports")


def today():
    return timezone.localdate()


@pytest.fixture
def held(village_a, village_b, alice, bob, a1, a2, award, award_b, b1):
    """This month: a clean-up (a1 and a2 signed up, a1 came, closed) and a cancelled meeting (a2
    signed up); 45 days ago: a talk a2 attended, still open; in 永丰村: b1's activity, closed."""
    cleanup = publish(village_a, by=alice, rule=award)
    signup_create(activity=cleanup, household=a2, by=alice)
    check_in(activity=cleanup, household=a1, by=alice)
    activity_close(activity=cleanup, by=alice)
    meeting = publish(village_a, by=alice, rule=award, title="村民议事")
    signup_create(activity=meeting, household=a2, by=alice)
    activity_cancel(activity=meeting, by=alice)
    talk = publish(village_a, by=alice, rule=award, title="讲座", held_on=today() - timedelta(days=45))
    check_in(activity=talk, household=a2, by=alice)
    elsewhere = publish(village_b, by=bob, rule=award_b, title="永丰的")
    check_in(activity=elsewhere, household=b1, by=bob)
    activity_close(activity=elsewhere, by=bob)


def test_it_counts_attendance_by_month_and_group(client, alice, held):
    client.force_login(alice)

    response = client.get(URL)

    figures = response.context["activity_figures"]
    months = {month: (n, a.signed_up, a.checked_in, a.points) for month, n, a in figures.months}
    assert months[today().replace(day=1)] == (1, 2, 1, 2)
    earlier = (today() - timedelta(days=45)).replace(day=1)
    assert months[earlier] == (1, 1, 1, 0)  # still open: nothing awarded yet
    assert (figures.held, figures.total.signed_up, figures.total.checked_in, figures.total.points) == (2, 3, 2, 2)
    groups = {name: (a.signed_up, a.checked_in, a.points, a.rate) for name, a in figures.groups}
    assert groups == {"第一组": (1, 1, 2, 100), "第二组": (2, 1, 0, 50)}
    page = response.content.decode()
    assert 'id="report-activities-months"' in page and 'id="report-activities-groups"' in page


def test_the_period_chosen_leaves_earlier_activities_out(client, alice, held):
    client.force_login(alice)
    start = today().replace(day=1).isoformat()
    figures = client.get(URL, {"start": start, "end": today().isoformat()}).context["activity_figures"]
    assert [month for month, _n, _a in figures.months] == [today().replace(day=1)]
    assert (figures.held, figures.total.signed_up) == (1, 2)


def test_an_officer_reads_the_town_together_and_each_village_alone(client, olivia, held, village_b):
    client.force_login(olivia)
    assert client.get(URL).context["activity_figures"].total.checked_in == 3
    alone = client.get(URL, {"village": village_b.pk}).context["activity_figures"]
    assert (alone.total.signed_up, alone.total.checked_in, alone.total.points) == (1, 1, 2)


def test_another_villages_clerk_sees_none_of_it(client, bob, held, village_a):
    client.force_login(bob)
    assert client.get(URL).context["activity_figures"].total.signed_up == 1
    assert client.get(URL, {"village": village_a.pk}).status_code == 404


def test_the_page_speaks_chinese(client, alice, held):
    client.force_login(alice)
    page = client.get(URL, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "活动参与（按月、按小组）" in page and "到场率" in page


def test_more_activities_and_households_ask_no_more_queries(client, alice, village_a, award, held):
    client.force_login(alice)
    with CaptureQueriesContext(connection) as before:
        client.get(URL)
    for n in range(5):
        activity = publish(village_a, by=alice, rule=award, title=f"活动{n}")
        for _ in range(3):
            household = open_household(village_a, by=alice, group=f"第{n + 3}组")
            check_in(activity=activity, household=household, by=alice)
        activity_close(activity=activity, by=alice)
    with CaptureQueriesContext(connection) as after:
        client.get(URL)
    assert len(after) == len(before)
