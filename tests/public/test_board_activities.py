"""The board's 近期活动 panel: the village's activities still to come, with the places left, and no
household named; in the board's API too."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.services import activity_cancel, activity_close, signup_create
from tests.activities.conftest import publish

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def days_on(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def deadline(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day - dt.timedelta(days=1), dt.time(18, 0)))


def board_page(client, village) -> str:
    response = client.get(reverse("board", args=[village.code]), **ZH)
    assert response.status_code == 200
    return response.content.decode()


def panel(page: str) -> str:
    start = page.index('id="board-activities"')
    return page[start : page.index("</section>", start)]


def test_it_lists_the_coming_activities_with_date_place_and_places_left(client, village_a, alice, award, a1, a2):
    meeting = publish(
        village_a, by=alice, rule=award, title="村民议事会", place="村委会二楼", held_on=days_on(3),
        starts_at=dt.time(19, 0), signup_until=deadline(days_on(3)), capacity=5,
    )  # fmt: skip
    publish(village_a, by=alice, rule=award, title="露天电影", place="文化礼堂", held_on=days_on(5),
            signup_until=deadline(days_on(5)))  # fmt: skip
    signup_create(activity=meeting, household=a1)
    signup_create(activity=meeting, household=a2)

    shown = panel(board_page(client, village_a))

    assert "近期活动" in shown
    assert "村民议事会" in shown and "村委会二楼" in shown and f"{days_on(3):%-m/%-d}" in shown and "19:00" in shown
    assert "余 3 户" in shown
    assert "露天电影" in shown and "不限" in shown
    assert shown.index("村民议事会") < shown.index("露天电影")
    # Nobody who signed up is named, not even masked.
    for name in ("应美凤", "应×", "王建国", "王×", a1.number):
        assert name not in shown


def test_it_says_when_sign_up_has_ended(client, village_a, alice, award):
    publish(village_a, by=alice, rule=award, title="已截止的活动", held_on=days_on(1),
            signup_until=timezone.now() - dt.timedelta(minutes=1))  # fmt: skip
    assert "已截止" in panel(board_page(client, village_a))


def test_it_leaves_off_cancelled_closed_past_and_other_villages_activities(
    client, village_a, village_b, alice, bob, award, award_b
):
    cancelled = publish(village_a, by=alice, rule=award, title="取消的活动", held_on=days_on(2),
                        signup_until=deadline(days_on(2)))  # fmt: skip
    activity_cancel(activity=cancelled, by=alice)
    closed = publish(village_a, by=alice, rule=award, title="结束的活动")
    activity_close(activity=closed, by=alice)
    publish(village_b, by=bob, rule=award_b, title="永丰村的活动", held_on=days_on(2),
            signup_until=deadline(days_on(2)))  # fmt: skip

    page = board_page(client, village_a)

    assert 'id="board-activities"' not in page
    for title in ("取消的活动", "结束的活动", "永丰村的活动"):
        assert title not in page


def test_it_shows_the_soonest_three(client, village_a, alice, award):
    for n in range(1, 6):
        publish(village_a, by=alice, rule=award, title=f"活动{n}号", held_on=days_on(n),
                signup_until=deadline(days_on(n)))  # fmt: skip

    shown = panel(board_page(client, village_a))

    assert [f"活动{n}号" in shown for n in range(1, 6)] == [True, True, True, False, False]


def test_the_boards_api_lists_them_too(client, village_a, alice, award, a1):
    meeting = publish(village_a, by=alice, rule=award, title="村民议事会", held_on=days_on(3),
                      signup_until=deadline(days_on(3)), capacity=5)  # fmt: skip
    signup_create(activity=meeting, household=a1)

    data = client.get(f"/api/board/{village_a.code}/").json()

    assert [(row["title"], row["places_left"], row["signup_open"]) for row in data["activities"]] == [
        ("村民议事会", 4, True)
    ]
    assert "household" not in str(data["activities"])
