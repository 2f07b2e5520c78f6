"""The ledger's services: awards, deductions, caps, batches and adjustments.

Each test states one rule of the design (DESIGN.md, "What must always hold") and would fail if
the rule broke: the ledger is only ever appended to, every entry carries the household's score
and balance after it, and the cached score and balance always equal the sums of the entries.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from credits.errors import (
    BatchRefused,
    FutureDate,
    ReasonRequired,
    RuleCapReached,
    RuleRetired,
    ZeroPoints,
)
from credits.models import Entry
from credits.services import entry_adjust, entry_record, entry_record_batch, entry_reverse, household_open
from households.errors import HouseholdClosed, NotYours
from households.services import household_close, household_reopen
from tests.credits.ledger import assert_ledger_agrees, last_year, scores, today
from tests.factories import RuleFactory, open_household

pytestmark = pytest.mark.django_db

Kind = Entry.Kind


# --- entry_record: awards and deductions -----------------------------------------------------


def test_it_raises_score_and_balance_by_an_award(a1, alice, award):
    entry = entry_record(household=a1, rule=award, occurred_on=today(), by=alice, note=" 帮邻居收稻 ")

    assert entry.kind == Kind.AWARD
    assert (entry.points, entry.in_score) == (2, True)
    assert (entry.score_after, entry.balance_after) == (102, 102)
    assert entry.note == "帮邻居收稻"
    assert entry.recorded_by == alice
    assert scores(a1) == [(102, 102)]


def test_it_lowers_score_and_balance_by_a_deduction(a1, alice, deduction):
    entry = entry_record(household=a1, rule=deduction, occurred_on=today(), by=alice)

    assert entry.kind == Kind.DEDUCTION
    assert entry.points == -5
    assert (entry.score_after, entry.balance_after) == (95, 95)
    assert scores(a1) == [(95, 95)]


def test_it_lets_a_deduction_push_the_balance_below_zero(village_a, alice):
    household = household_open(village=village_a, number="0101", head_name="王建国", by=alice, opening_points=10)
    extravagant_wedding = RuleFactory(name="红白事", points=-20)

    entry = entry_record(household=household, rule=extravagant_wedding, occurred_on=today(), by=alice)

    assert (entry.score_after, entry.balance_after) == (-10, -10)
    assert scores(household) == [(-10, -10)]


def test_it_keeps_the_rules_name_and_points_in_past_entries(a1, alice, award):
    entry = entry_record(household=a1, rule=award, occurred_on=today(), by=alice)

    award.name = "改过的名字"
    award.points = 50
    award.save()

    entry.refresh_from_db()
    assert (entry.rule_name, entry.points, entry.score_after) == ("测试奖励", 2, 102)
    assert scores(a1) == [(102, 102)]
    later = entry_record(household=a1, rule=award, occurred_on=today(), by=alice)
    assert (later.rule_name, later.points, later.score_after) == ("改过的名字", 50, 152)


def test_it_refuses_a_retired_rule(a1, alice, award):
    award.active = False
    award.save()

    with pytest.raises(RuleRetired):
        entry_record(household=a1, rule=award, occurred_on=today(), by=alice)

    assert a1.entries.count() == 1
    assert scores(a1) == [(100, 100)]


def test_it_refuses_a_deed_dated_in_the_future(a1, alice, award):
    with pytest.raises(FutureDate):
        entry_record(household=a1, rule=award, occurred_on=today() + datetime.timedelta(days=1), by=alice)

    assert a1.entries.count() == 1


def test_it_accepts_a_deed_dated_in_the_past(a1, alice, award):
    entry = entry_record(household=a1, rule=award, occurred_on=last_year(), by=alice)

    assert entry.occurred_on == last_year()


def test_it_refuses_an_award_to_a_closed_household_and_keeps_its_history(a1, alice, award):
    entry_record(household=a1, rule=award, occurred_on=today(), by=alice)
    household_close(household=a1, by=alice)

    with pytest.raises(HouseholdClosed) as refused:
        entry_record(household=a1, rule=award, occurred_on=today(), by=alice)

    assert "0001" in refused.value.message
    assert list(a1.entries.order_by("id").values_list("kind", "points")) == [("opening", 100), ("award", 2)]
    assert scores(a1) == [(102, 102)]


def test_it_records_again_once_a_household_is_reopened(a1, alice, award):
    household_close(household=a1, by=alice)
    household_reopen(household=a1, by=alice)

    entry = entry_record(household=a1, rule=award, occurred_on=today(), by=alice)

    assert entry.score_after == 102


def test_it_refuses_a_household_of_another_village(b1, alice, award):
    with pytest.raises(NotYours):
        entry_record(household=b1, rule=award, occurred_on=today(), by=alice)

    assert b1.entries.count() == 1
    assert scores(b1) == [(100, 100)]


@pytest.mark.parametrize("who", ["olivia", "sam", "mallory"])
def test_it_refuses_an_award_by_anyone_who_keeps_no_village(request, a1, award, who):
    user = request.getfixturevalue(who)

    with pytest.raises(NotYours):
        entry_record(household=a1, rule=award, occurred_on=today(), by=user)

    assert a1.entries.count() == 1


# --- yearly caps -------------------------------------------------------------------------------


def test_it_refuses_a_rule_past_its_yearly_cap_and_writes_nothing(a1, alice, capped_award):
    for _ in range(2):
        entry_record(household=a1, rule=capped_award, occurred_on=today(), by=alice)

    with pytest.raises(RuleCapReached) as refused:
        entry_record(household=a1, rule=capped_award, occurred_on=today(), by=alice)

    assert "测试限次奖励" in refused.value.message
    assert a1.entries.count() == 3
    assert scores(a1) == [(110, 110)]


def test_it_counts_the_cap_per_household(a1, a2, alice, capped_award):
    for _ in range(2):
        entry_record(household=a1, rule=capped_award, occurred_on=today(), by=alice)

    entry = entry_record(household=a2, rule=capped_award, occurred_on=today(), by=alice)

    assert entry.score_after == 105


def test_it_counts_the_cap_by_the_year_of_the_deed(a1, alice, capped_award):
    for _ in range(2):
        entry_record(household=a1, rule=capped_award, occurred_on=last_year(), by=alice)

    # Last year's cap is full, this year's is not: the cap resets on 1 January.
    for _ in range(2):
        entry_record(household=a1, rule=capped_award, occurred_on=today(), by=alice)
    with pytest.raises(RuleCapReached):
        entry_record(household=a1, rule=capped_award, occurred_on=last_year(), by=alice)
    with pytest.raises(RuleCapReached):
        entry_record(household=a1, rule=capped_award, occurred_on=today(), by=alice)

    assert scores(a1) == [(120, 120)]


def test_it_does_not_count_a_reversed_entry_toward_the_cap(a1, alice, capped_award):
    first = entry_record(household=a1, rule=capped_award, occurred_on=today(), by=alice)
    entry_record(household=a1, rule=capped_award, occurred_on=today(), by=alice)
    entry_reverse(entry=first, reason="记错了户", by=alice)

    third = entry_record(household=a1, rule=capped_award, occurred_on=today(), by=alice)

    assert third.score_after == 110
    with pytest.raises(RuleCapReached):
        entry_record(household=a1, rule=capped_award, occurred_on=today(), by=alice)


def test_it_does_not_count_other_rules_toward_the_cap(a1, alice, capped_award, award):
    entry_record(household=a1, rule=award, occurred_on=today(), by=alice)
    entry_record(household=a1, rule=capped_award, occurred_on=today(), by=alice)

    entry = entry_record(household=a1, rule=capped_award, occurred_on=today(), by=alice)

    assert entry.score_after == 112


# --- entry_record_batch --------------------------------------------------------------------------


def test_it_records_a_batch_with_one_entry_per_household(a1, a2, alice, award):
    entry_record(household=a2, rule=award, occurred_on=today(), by=alice)

    entries = entry_record_batch(households=[a2, a1], rule=award, occurred_on=today(), by=alice, note="志愿服务")

    assert sorted((e.household_id, e.score_after, e.balance_after) for e in entries) == sorted(
        [(a1.pk, 102, 102), (a2.pk, 104, 104)]
    )
    assert all(e.pk and e.rule_name == "测试奖励" and e.note == "志愿服务" for e in entries)
    assert scores(a1, a2) == [(102, 102), (104, 104)]
    assert_ledger_agrees(a1)
    assert_ledger_agrees(a2)


def test_it_records_a_household_named_twice_in_a_batch_once(a1, alice, award):
    entries = entry_record_batch(households=[a1, a1], rule=award, occurred_on=today(), by=alice)

    assert len(entries) == 1
    assert scores(a1) == [(102, 102)]


def test_it_refuses_a_whole_batch_naming_every_refused_household(village_a, alice, a1, a2, capped_award):
    a3 = open_household(village_a, by=alice, number="0003")
    for _ in range(2):
        entry_record(household=a1, rule=capped_award, occurred_on=today(), by=alice)
    household_close(household=a2, by=alice)
    entries_before = Entry.objects.count()

    with pytest.raises(BatchRefused) as refused:
        entry_record_batch(households=[a1, a2, a3], rule=capped_award, occurred_on=today(), by=alice)

    reasons = {household.pk: reason for household, reason in refused.value.refusals}
    assert set(reasons) == {a1.pk, a2.pk}
    assert "0001" in reasons[a1.pk] and "测试限次奖励" in reasons[a1.pk]
    assert "0002" in reasons[a2.pk]
    assert reasons[a1.pk] != reasons[a2.pk]
    assert "2" in refused.value.message
    assert Entry.objects.count() == entries_before
    assert scores(a1, a2, a3) == [(110, 110), (100, 100), (100, 100)]


def test_it_refuses_a_batch_with_one_closed_household_and_writes_nothing(a1, a2, alice, award):
    household_close(household=a2, by=alice)

    with pytest.raises(BatchRefused) as refused:
        entry_record_batch(households=[a1, a2], rule=award, occurred_on=today(), by=alice)

    assert [household.pk for household, _reason in refused.value.refusals] == [a2.pk]
    assert a1.entries.count() == 1
    assert scores(a1, a2) == [(100, 100), (100, 100)]


def test_it_refuses_a_batch_reaching_outside_the_clerks_villages(a1, b1, alice, award):
    entries_before = Entry.objects.count()

    with pytest.raises(NotYours):
        entry_record_batch(households=[a1, b1], rule=award, occurred_on=today(), by=alice)

    assert Entry.objects.count() == entries_before
    assert scores(a1, b1) == [(100, 100), (100, 100)]


def test_it_refuses_a_batch_with_a_retired_rule_or_a_future_date(a1, a2, alice, award):
    with pytest.raises(FutureDate):
        entry_record_batch(households=[a1, a2], rule=award, occurred_on=today() + datetime.timedelta(days=1), by=alice)
    award.active = False
    award.save()
    with pytest.raises(RuleRetired):
        entry_record_batch(households=[a1, a2], rule=award, occurred_on=today(), by=alice)

    assert Entry.objects.filter(kind=Kind.AWARD).count() == 0


def test_it_records_a_batch_in_the_same_number_of_queries_for_5_or_300_households(village_a, alice, capped_award):
    # 300 is past the 76 rows a statement Django would allow on SQLite by its old 999-parameter
    # assumption (see credits.apps): the count must not grow on either database.
    households = [open_household(village_a, by=alice) for _ in range(305)]
    few, many = households[:5], households[5:]

    with CaptureQueriesContext(connection) as for_few:
        entry_record_batch(households=few, rule=capped_award, occurred_on=today(), by=alice)
    with CaptureQueriesContext(connection) as for_many:
        entry_record_batch(households=many, rule=capped_award, occurred_on=today(), by=alice)

    assert len(for_few) == len(for_many)
    assert Entry.objects.filter(kind=Kind.AWARD).count() == 305


# --- entry_adjust --------------------------------------------------------------------------------


def test_it_adjusts_the_score_with_a_reason(a1, alice):
    entry = entry_adjust(household=a1, points=-7, reason=" 补录去年漏扣 ", by=alice)

    assert entry.kind == Kind.ADJUSTMENT
    assert (entry.points, entry.in_score, entry.note) == (-7, True, "补录去年漏扣")
    assert entry.rule is None
    assert (entry.score_after, entry.balance_after) == (93, 93)
    assert scores(a1) == [(93, 93)]


@pytest.mark.parametrize("reason", ["", "   "])
def test_it_refuses_an_adjustment_without_a_reason(a1, alice, reason):
    with pytest.raises(ReasonRequired):
        entry_adjust(household=a1, points=3, reason=reason, by=alice)

    assert a1.entries.count() == 1


def test_it_refuses_an_adjustment_of_zero(a1, alice):
    with pytest.raises(ZeroPoints):
        entry_adjust(household=a1, points=0, reason="无", by=alice)

    assert a1.entries.count() == 1


def test_it_refuses_an_adjustment_dated_in_the_future(a1, alice):
    with pytest.raises(FutureDate):
        entry_adjust(household=a1, points=3, reason="x", by=alice, occurred_on=today() + datetime.timedelta(days=1))


def test_it_refuses_an_adjustment_by_another_village_or_an_officer(a1, bob, olivia):
    for user in (bob, olivia):
        with pytest.raises(NotYours):
            entry_adjust(household=a1, points=3, reason="x", by=user)

    assert scores(a1) == [(100, 100)]


def test_it_refuses_an_adjustment_to_a_closed_household(a1, alice):
    household_close(household=a1, by=alice)

    with pytest.raises(HouseholdClosed):
        entry_adjust(household=a1, points=3, reason="x", by=alice)

    assert a1.entries.count() == 1
