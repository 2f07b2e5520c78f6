"""The demo village's activities (活动), for `manage.py seed_demo`.

Three, as a clerk would have run them through `activities.services`: a river clean-up a few days ago,
its households signed up by the clerk, checked in (one did not come) and closed, so the attendance is
in the ledger; a 村民议事 meeting next week that a few households signed themselves up for on the
lookup page; and a film night called off. Deterministic: the households are taken by number, the
dates counted from today; a village of a dozen households gets all three.
"""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from activities.services import (
    activity_cancel,
    activity_close,
    activity_create,
    check_in,
    check_in_undo,
    signup_create,
)
from credits.models import Rule
from credits.selectors import version_in_force
from households.errors import DomainError
from households.models import Village

# Each activity's rule, by name, and the awards to fall back on if the catalogue lacks it.
PAST_RULES = ["志愿服务", "美丽庭院", "邻里互助"]
UPCOMING_RULES = ["村民议事", "志愿服务"]
PAST_DAYS = 5  # within the fortnight: its awards are not "recorded late"
PAST_HOUSEHOLDS = 6  # signed up by the clerk; all but the last checked in
UPCOMING_DAYS = 6
UPCOMING_HOUSEHOLDS = 3  # signed themselves up


def load_activities(village: Village, *, clerk) -> None:
    """Publish, run and close the village's demo activities, as its clerk and households would."""
    today = timezone.localdate()
    households = list(village.households.filter(active=True).order_by("number"))
    past_day = max(today - timedelta(days=PAST_DAYS), today.replace(month=1, day=1))
    past_rule = _award(village, past_day, PAST_RULES)
    if past_rule is not None:
        _past(village, clerk, past_rule, past_day, households[:PAST_HOUSEHOLDS])
    coming_day = today + timedelta(days=UPCOMING_DAYS)
    coming_rule = _award(village, coming_day, UPCOMING_RULES)
    if coming_rule is None:
        return
    meeting = activity_create(
        village=village,
        by=clerk,
        title="村民议事会：村道拓宽和路灯",
        rule=coming_rule,
        held_on=coming_day,
        starts_at=time(19, 0),
        place="村委会二楼会议室",
        capacity=40,
        signup_until=_at(coming_day - timedelta(days=1), time(18, 0)),
        description="议一议东西两条村道拓宽和新装路灯的方案，每户来一位代表",
    )
    for household in households[-UPCOMING_HOUSEHOLDS:]:
        signup_create(activity=meeting, household=household)
    film = activity_create(
        village=village,
        by=clerk,
        title="露天电影进村",
        rule=coming_rule,
        held_on=coming_day + timedelta(days=3),
        starts_at=time(18, 30),
        place="文化礼堂前广场",
        signup_until=_at(coming_day + timedelta(days=2), time(12, 0)),
    )
    activity_cancel(activity=film, by=clerk)


def _past(village: Village, clerk, rule: Rule, day: date, households: list) -> None:
    cleanup = activity_create(
        village=village,
        by=clerk,
        title="清理河道",
        rule=rule,
        held_on=day,
        starts_at=time(8, 0),
        place="东桥河埠头",
        capacity=20,
        signup_until=_at(day - timedelta(days=1), time(18, 0)),
        description="捞河面垃圾、清河岸杂草；带手套，长柄夹子村里发",
    )
    for household in households:
        signup_create(activity=cleanup, household=household, by=clerk)
    for household in households[:-1] if len(households) > 1 else households:
        check_in(activity=cleanup, household=household, by=clerk)
    try:
        activity_close(activity=cleanup, by=clerk)
    except DomainError as refused:
        # A household whose history already reached the rule's cap refuses the whole batch: the
        # organiser unticks it (a batch of one names no one: untick it) and closes again.
        named = {household.pk for household, _message in getattr(refused, "refusals", [])}
        for signup in cleanup.signups.filter(checked_in_at__isnull=False):
            if not named or signup.household_id in named:
                check_in_undo(signup=signup, by=clerk)
        activity_close(activity=cleanup, by=clerk)


def _award(village: Village, day: date, names: list[str]) -> Rule | None:
    """The first of `names` the village's catalogue in force on `day` has as an active award."""
    version = version_in_force(village.pk, on=day)
    if version is None:
        return None
    rules = {rule.name: rule for rule in version.rules.filter(active=True, points__gt=0)}
    return next((rules[name] for name in names if name in rules), None)


def _at(day: date, moment: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, moment))
