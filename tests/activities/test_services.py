"""Publishing, signing up, checking in and closing an activity, and every refusal on the way."""

import datetime as dt

import pytest
from django.utils import timezone

from activities.errors import (
    ActivityClosed,
    ActivityFull,
    AlreadyCheckedIn,
    AlreadySignedUp,
    BadActivity,
    HouseholdNotFound,
    NotHeldYet,
    NotOrganiser,
    SignupClosed,
)
from activities.models import Signup
from activities.services import (
    activity_close,
    activity_update,
    check_in,
    check_in_many,
    check_in_undo,
    household_for_code,
    signup_cancel,
    signup_create,
)
from credits.errors import BatchRefused, BeforeOpening, RuleCapReached, RuleRetired
from credits.models import Entry
from credits.services import entry_record
from households.errors import HouseholdClosed, NotYours
from households.services import household_close
from tests.activities.conftest import publish, village_helper
from tests.credits.ledger import assert_ledger_agrees, scores
from tests.factories import RuleFactory, open_household

pytestmark = pytest.mark.django_db


def yesterday():
    return timezone.localdate() - dt.timedelta(days=1)


def test_it_publishes_an_activity_of_the_clerks_village(cleanup, village_a, award):
    assert (cleanup.village, cleanup.rule, cleanup.capacity, cleanup.closed) == (village_a, award, 3, False)
    assert cleanup.signup_open


def test_it_refuses_to_publish_for_another_village(village_b, bob, award, alice):
    with pytest.raises(NotYours):
        publish(village_b, by=alice, rule=award)


def test_it_refuses_another_villages_rule(village_b, bob, award):
    with pytest.raises(BadActivity, match="own catalogue"):
        publish(village_b, by=bob, rule=award)


def test_it_refuses_a_deduction_as_the_activitys_rule(village_a, alice):
    deduction = RuleFactory(village=village_a, points=-5)
    with pytest.raises(BadActivity, match="adds points"):
        publish(village_a, by=alice, rule=deduction)


def test_it_refuses_a_retired_rule(village_a, alice):
    retired = RuleFactory(village=village_a, points=3, active=False)
    with pytest.raises(RuleRetired):
        publish(village_a, by=alice, rule=retired)


def test_it_refuses_a_deadline_after_the_start(village_a, alice, award):
    held_on = timezone.localdate() + dt.timedelta(days=3)
    late = timezone.make_aware(dt.datetime.combine(held_on, dt.time(10, 0)))
    with pytest.raises(BadActivity, match="deadline"):
        publish(village_a, by=alice, rule=award, held_on=held_on, starts_at=dt.time(9, 0), signup_until=late)


def test_it_refuses_a_capacity_below_the_households_signed_up(cleanup, alice, a1, a2):
    signup_create(activity=cleanup, household=a1)
    signup_create(activity=cleanup, household=a2)
    with pytest.raises(BadActivity, match="already signed up"):
        activity_update(activity=cleanup, by=alice, capacity=1)
    cleanup.refresh_from_db()
    assert cleanup.capacity == 3


def test_a_household_signs_itself_up_once(cleanup, a1):
    signup = signup_create(activity=cleanup, household=a1)
    assert signup.signed_up_by is None
    with pytest.raises(AlreadySignedUp):
        signup_create(activity=cleanup, household=a1)
    assert cleanup.signups.count() == 1


def test_it_refuses_a_household_of_another_village(cleanup, b1):
    with pytest.raises(NotYours):
        signup_create(activity=cleanup, household=b1)
    assert not cleanup.signups.exists()


def test_it_refuses_a_closed_household(cleanup, a1, alice):
    household_close(household=a1, by=alice)
    a1.refresh_from_db()
    with pytest.raises(HouseholdClosed):
        signup_create(activity=cleanup, household=a1)


def test_it_refuses_a_household_after_the_deadline_but_lets_the_clerk_add_one(village_a, alice, award, a1, a2):
    held_on = timezone.localdate() + dt.timedelta(days=2)
    activity = publish(
        village_a, by=alice, rule=award, held_on=held_on, signup_until=timezone.now() - dt.timedelta(minutes=1)
    )
    with pytest.raises(SignupClosed):
        signup_create(activity=activity, household=a1)
    signup = signup_create(activity=activity, household=a2, by=alice)
    assert signup.signed_up_by == alice


def test_it_refuses_a_full_activity(village_a, alice, award, a1, a2):
    activity = publish(village_a, by=alice, rule=award, capacity=1)
    signup_create(activity=activity, household=a1)
    with pytest.raises(ActivityFull, match="1"):
        signup_create(activity=activity, household=a2)
    with pytest.raises(ActivityFull):
        signup_create(activity=activity, household=a2, by=alice)
    assert list(activity.signups.values_list("household", flat=True)) == [a1.pk]


def test_another_villages_clerk_cannot_sign_up_or_check_in(cleanup, a1, bob):
    with pytest.raises(NotYours):
        signup_create(activity=cleanup, household=a1, by=bob)
    with pytest.raises(NotOrganiser):
        check_in(activity=cleanup, household=a1, by=bob)
    assert not cleanup.signups.exists()


def test_a_household_cancels_before_the_deadline_not_after_check_in(cleanup, a1, a2, alice):
    signup_cancel(signup=signup_create(activity=cleanup, household=a1))
    assert not cleanup.signups.exists()
    signup = signup_create(activity=cleanup, household=a2)
    check_in(activity=cleanup, household=a2, by=alice)
    with pytest.raises(AlreadyCheckedIn):
        signup_cancel(signup=signup)


def test_it_finds_a_household_by_its_number_however_padded_or_by_its_card(cleanup, a1):
    assert household_for_code(activity=cleanup, code="1") == a1
    assert household_for_code(activity=cleanup, code=" 0001 ") == a1
    link = f"https://example.org/lookup/c/{a1.card_token}/"
    assert household_for_code(activity=cleanup, code=link) == a1
    with pytest.raises(HouseholdNotFound, match="999"):
        household_for_code(activity=cleanup, code="999")


def test_it_does_not_find_a_household_of_another_village_by_card(cleanup, b1):
    with pytest.raises(HouseholdNotFound):
        household_for_code(activity=cleanup, code=b1.card_token)


def test_an_organiser_named_by_the_clerk_checks_in_and_a_walk_in_takes_a_place(cleanup, alice, a1, a2):
    helper = village_helper(cleanup.village)
    activity_update(activity=cleanup, by=alice, organisers=[helper])
    signup_create(activity=cleanup, household=a1)
    first = check_in(activity=cleanup, household=a1, by=helper)
    walk_in = check_in(activity=cleanup, household=a2, by=helper)
    again = check_in(activity=cleanup, household=a1, by=helper)
    assert (first.already, walk_in.already, again.already) == (False, False, True)
    assert walk_in.signed_up_by == helper
    assert cleanup.signups.filter(checked_in_at__isnull=False).count() == 2


def test_a_stranger_cannot_check_in(cleanup, a1, mallory, olivia):
    for user in (mallory, olivia):
        with pytest.raises(NotOrganiser):
            check_in(activity=cleanup, household=a1, by=user)


def test_ticking_a_list_is_all_or_none(village_a, alice, award, a1, a2):
    activity = publish(village_a, by=alice, rule=award, capacity=1)
    with pytest.raises(ActivityFull):
        check_in_many(activity=activity, households=[a1, a2], by=alice)
    assert not activity.signups.exists()


def test_closing_awards_the_rule_to_every_household_checked_in_and_no_other(cleanup, alice, a1, a2, award):
    signup_create(activity=cleanup, household=a1)
    signup_create(activity=cleanup, household=a2)
    check_in(activity=cleanup, household=a1, by=alice)

    entries = activity_close(activity=cleanup, by=alice)

    assert [(entry.household_id, entry.points, entry.rule_name) for entry in entries] == [(a1.pk, 2, award.name)]
    assert entries[0].occurred_on == cleanup.held_on
    assert "清理河道" in entries[0].note
    assert scores(a1, a2) == [(102, 102), (100, 100)]
    assert Signup.objects.get(household=a1).entry == entries[0]
    assert Signup.objects.get(household=a2).entry is None
    assert cleanup.closed and cleanup.closed_by == alice
    assert_ledger_agrees(a1)


def test_closing_twice_makes_one_set_of_entries(cleanup, alice, a1):
    check_in(activity=cleanup, household=a1, by=alice)
    activity_close(activity=cleanup, by=alice)
    with pytest.raises(ActivityClosed):
        activity_close(activity=cleanup, by=alice)
    assert Entry.objects.filter(household=a1, kind=Entry.Kind.AWARD).count() == 1


def test_a_closed_activity_takes_no_sign_up_or_check_in(cleanup, alice, a1, a2):
    activity_close(activity=cleanup, by=alice)
    with pytest.raises(ActivityClosed):
        signup_create(activity=cleanup, household=a1)
    with pytest.raises(ActivityClosed):
        check_in(activity=cleanup, household=a2, by=alice)
    with pytest.raises(ActivityClosed):
        activity_update(activity=cleanup, by=alice, title="改名")


def test_it_refuses_to_close_before_the_day(village_a, alice, award, a1):
    activity = publish(village_a, by=alice, rule=award, held_on=timezone.localdate() + dt.timedelta(days=1))
    check_in(activity=activity, household=a1, by=alice)
    with pytest.raises(NotHeldYet):
        activity_close(activity=activity, by=alice)
    activity.refresh_from_db()
    assert not activity.closed


def test_an_organiser_who_is_not_a_clerk_cannot_close(cleanup, alice, a1):
    helper = village_helper(cleanup.village)
    activity_update(activity=cleanup, by=alice, organisers=[helper])
    check_in(activity=cleanup, household=a1, by=helper)
    with pytest.raises(NotYours):
        activity_close(activity=cleanup, by=helper)
    assert scores(a1) == [(100, 100)]


def test_a_cap_refuses_the_whole_close_naming_the_household_and_an_untick_lets_it_through(
    village_a, alice, capped_award, a1, a2
):
    for _ in range(2):
        entry_record(household=a1, rule=capped_award, occurred_on=yesterday(), by=alice)
    activity = publish(village_a, by=alice, rule=capped_award)
    check_in_many(activity=activity, households=[a1, a2], by=alice)

    with pytest.raises(BatchRefused) as refused:
        activity_close(activity=activity, by=alice)

    assert [household.pk for household, _message in refused.value.refusals] == [a1.pk]
    activity.refresh_from_db()
    assert not activity.closed
    assert scores(a2) == [(100, 100)]

    check_in_undo(signup=activity.signups.get(household=a1), by=alice)
    (entry,) = activity_close(activity=activity, by=alice)
    assert entry.household_id == a2.pk


def test_one_household_capped_alone_is_refused_by_name(village_a, alice, capped_award, a1):
    for _ in range(2):
        entry_record(household=a1, rule=capped_award, occurred_on=yesterday(), by=alice)
    activity = publish(village_a, by=alice, rule=capped_award)
    check_in(activity=activity, household=a1, by=alice)
    with pytest.raises(RuleCapReached, match=a1.number):
        activity_close(activity=activity, by=alice)


def test_closing_with_nobody_checked_in_writes_nothing(cleanup, alice, a1):
    signup_create(activity=cleanup, household=a1)
    assert activity_close(activity=cleanup, by=alice) == []
    assert scores(a1) == [(100, 100)]


def test_a_household_opened_after_a_past_activity_is_refused(village_a, alice, award):
    day = timezone.localdate() - dt.timedelta(days=10)
    activity = publish(village_a, by=alice, rule=award, held_on=day)
    newcomer = open_household(village_a, by=alice, opened_on=timezone.localdate())
    check_in(activity=activity, household=newcomer, by=alice)
    with pytest.raises(BeforeOpening, match=newcomer.number):
        activity_close(activity=activity, by=alice)
    assert scores(newcomer) == [(100, 100)]


def test_clerks_may_publish_and_officers_only_read(alice, olivia):
    assert alice.has_perm("activities.add_activity") and alice.has_perm("activities.change_activity")
    assert olivia.has_perm("activities.view_activity") and not olivia.has_perm("activities.add_activity")
