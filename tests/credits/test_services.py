"""The ledger's services: awards, deductions, batches, adjustments and reversals.

Each test states one rule of the design (DESIGN.md, "What must always hold") and would fail if
the rule broke: the ledger is only ever appended to, every entry carries the household's score
and balance after it, and the cached score and balance always equal the sums of the entries.
"""

import datetime

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from credits.errors import (
    AlreadyReversed,
    BatchRefused,
    FutureDate,
    NotReversible,
    ReasonRequired,
    RuleCapReached,
    RuleRetired,
    ZeroPoints,
)
from credits.models import Entry
from credits.selectors import ledger_differences, statement
from credits.services import entry_adjust, entry_record, entry_record_batch, entry_reverse, household_open
from households.errors import DomainError, HouseholdClosed, NotYours
from households.models import Household
from households.services import household_close, household_reopen
from tests.factories import RuleFactory, open_household

pytestmark = pytest.mark.django_db

Kind = Entry.Kind


def today():
    return timezone.localdate()


def last_year():
    return today().replace(year=today().year - 1, month=6, day=15)


def scores(*households):
    """(score, balance) of each household, fresh from the database."""
    rows = Household.objects.filter(pk__in=[h.pk for h in households]).values_list("pk", "score", "balance")
    cached = {pk: (score, balance) for pk, score, balance in rows}
    return [cached[h.pk] for h in households]


def assert_ledger_agrees(household):
    """The chain of *_after values holds, and the cache equals the sums of the entries."""
    score = balance = 0
    for entry in household.entries.order_by("id"):
        score += entry.points if entry.in_score else 0
        balance += entry.points
        assert (entry.score_after, entry.balance_after) == (score, balance), f"chain broken at {entry}"
    household.refresh_from_db()
    assert (household.score, household.balance) == (score, balance)


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


# --- entry_reverse -------------------------------------------------------------------------------


def test_it_reverses_an_award_with_an_entry_pointing_at_it(a1, alice, award):
    entry = entry_record(household=a1, rule=award, occurred_on=last_year(), by=alice)

    reversal = entry_reverse(entry=entry, reason=" 记错了户 ", by=alice)

    assert reversal.kind == Kind.REVERSAL
    assert reversal.reverses == entry
    assert (reversal.points, reversal.in_score) == (-2, True)
    assert (reversal.rule, reversal.rule_name, reversal.note) == (award, "测试奖励", "记错了户")
    assert (reversal.score_after, reversal.balance_after) == (100, 100)
    # Dated like the deed it undoes, so last year's figures net out in last year.
    assert reversal.occurred_on == entry.occurred_on
    assert scores(a1) == [(100, 100)]
    entry.refresh_from_db()
    assert entry.reversal == reversal
    assert (entry.points, entry.score_after) == (2, 102)


def test_it_reverses_a_deduction_and_an_adjustment(a1, alice, deduction):
    deducted = entry_record(household=a1, rule=deduction, occurred_on=today(), by=alice)
    adjusted = entry_adjust(household=a1, points=-3, reason="x", by=alice)

    assert entry_reverse(entry=deducted, reason="误扣", by=alice).points == 5
    assert entry_reverse(entry=adjusted, reason="误调", by=alice).points == 3
    assert scores(a1) == [(100, 100)]
    assert_ledger_agrees(a1)


@pytest.mark.parametrize("reason", ["", "  "])
def test_it_refuses_a_reversal_without_a_reason(a1, alice, award, reason):
    entry = entry_record(household=a1, rule=award, occurred_on=today(), by=alice)

    with pytest.raises(ReasonRequired):
        entry_reverse(entry=entry, reason=reason, by=alice)

    assert not Entry.objects.filter(kind=Kind.REVERSAL).exists()


def test_it_reverses_an_entry_at_most_once(a1, alice, award):
    entry = entry_record(household=a1, rule=award, occurred_on=today(), by=alice)
    entry_reverse(entry=entry, reason="记错了", by=alice)

    with pytest.raises(AlreadyReversed):
        entry_reverse(entry=entry, reason="再来一次", by=alice)

    assert Entry.objects.filter(kind=Kind.REVERSAL).count() == 1
    assert scores(a1) == [(100, 100)]


def test_it_refuses_to_reverse_a_reversal(a1, alice, award):
    entry = entry_record(household=a1, rule=award, occurred_on=today(), by=alice)
    reversal = entry_reverse(entry=entry, reason="记错了", by=alice)

    with pytest.raises(NotReversible):
        entry_reverse(entry=reversal, reason="撤销撤销", by=alice)

    assert scores(a1) == [(100, 100)]


def test_it_refuses_to_reverse_an_opening(a1, alice):
    with pytest.raises(NotReversible):
        entry_reverse(entry=a1.entries.get(), reason="开户错了", by=alice)

    assert scores(a1) == [(100, 100)]


def test_it_refuses_a_reversal_by_another_villages_clerk(a1, alice, bob, award):
    entry = entry_record(household=a1, rule=award, occurred_on=today(), by=alice)

    with pytest.raises(NotYours):
        entry_reverse(entry=entry, reason="不是我的", by=bob)

    assert not Entry.objects.filter(kind=Kind.REVERSAL).exists()
    assert scores(a1) == [(102, 102)]


def test_it_says_not_yours_before_anything_about_another_villages_entry(a1, bob):
    # Even an entry that could never be reversed must not tell a stranger what kind it is.
    with pytest.raises(NotYours):
        entry_reverse(entry=a1.entries.get(), reason="试探", by=bob)


def test_it_lets_an_officer_write_nothing_at_all(village_a, a1, alice, olivia, award):
    entry = entry_record(household=a1, rule=award, occurred_on=today(), by=alice)
    entries_before = Entry.objects.count()

    attempts = [
        lambda: household_open(village=village_a, number="0101", head_name="王", by=olivia),
        lambda: entry_record(household=a1, rule=award, occurred_on=today(), by=olivia),
        lambda: entry_record_batch(households=[a1], rule=award, occurred_on=today(), by=olivia),
        lambda: entry_adjust(household=a1, points=1, reason="x", by=olivia),
        lambda: entry_reverse(entry=entry, reason="x", by=olivia),
        lambda: household_close(household=a1, by=olivia),
    ]
    for attempt in attempts:
        with pytest.raises(NotYours):
            attempt()

    assert Entry.objects.count() == entries_before
    a1.refresh_from_db()
    assert (a1.active, a1.score) == (True, 102)


def test_it_shows_the_statement_newest_first_with_reversals(a1, alice, award):
    entry = entry_record(household=a1, rule=award, occurred_on=today(), by=alice)
    reversal = entry_reverse(entry=entry, reason="记错了", by=alice)

    rows = list(statement(a1))

    assert [row.kind for row in rows] == ["reversal", "award", "opening"]
    assert rows[0].reverses == entry
    assert rows[1].reversal == reversal


# --- the chain and the sums ----------------------------------------------------------------------


def test_it_keeps_the_chain_through_a_sequence_of_operations(a1, a2, alice, award, deduction, capped_award):
    steps = [
        lambda: entry_record(household=a1, rule=award, occurred_on=today(), by=alice),
        lambda: entry_record(household=a1, rule=deduction, occurred_on=today(), by=alice),
        lambda: entry_record_batch(households=[a1, a2], rule=capped_award, occurred_on=today(), by=alice),
        lambda: entry_adjust(household=a1, points=-120, reason="x", by=alice),
        lambda: entry_reverse(entry=a1.entries.filter(kind=Kind.DEDUCTION).get(), reason="x", by=alice),
        lambda: entry_record(household=a1, rule=deduction, occurred_on=last_year(), by=alice),
    ]
    for step in steps:
        step()

    assert list(a1.entries.order_by("id").values_list("points", "score_after")) == [
        (100, 100),
        (2, 102),
        (-5, 97),
        (5, 102),
        (-120, -18),
        (5, -13),
        (-5, -18),
    ]
    assert_ledger_agrees(a1)
    assert_ledger_agrees(a2)
    assert ledger_differences() == []


operations = st.lists(
    st.one_of(
        st.tuples(st.just("record"), st.sampled_from(["award", "deduction", "capped_award"])),
        st.tuples(st.just("adjust"), st.integers(min_value=-50, max_value=50).filter(bool)),
        st.tuples(st.just("reverse"), st.integers(min_value=0, max_value=30)),
    ),
    max_size=15,
)


@hypothesis_settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=operations)
def test_it_keeps_the_cache_equal_to_the_sums_for_any_sequence(
    village_a, alice, award, deduction, capped_award, operations
):
    rules = {"award": award, "deduction": deduction, "capped_award": capped_award}
    household = open_household(village_a, by=alice)
    for operation, argument in operations:
        try:
            if operation == "record":
                entry_record(household=household, rule=rules[argument], occurred_on=today(), by=alice)
            elif operation == "adjust":
                entry_adjust(household=household, points=argument, reason="校正", by=alice)
            else:
                entries = list(household.entries.order_by("id"))
                entry_reverse(entry=entries[argument % len(entries)], reason="撤销", by=alice)
        except (RuleCapReached, AlreadyReversed, NotReversible):
            pass  # refusals the sequence may run into; they must change nothing

    sums = household.entries.aggregate(balance=Sum("points"))
    score_sum = household.entries.filter(in_score=True).aggregate(score=Sum("points"))["score"]
    household.refresh_from_db()
    assert (household.score, household.balance) == (score_sum, sums["balance"])
    assert_ledger_agrees(household)
    assert (
        household.entries.filter(kind=Kind.REVERSAL).count()
        == household.entries.filter(reversal__isnull=False).count()
    )
    assert household.entries.filter(rule=capped_award, reversal__isnull=True, kind=Kind.AWARD).count() <= 2
    assert ledger_differences() == []


def test_it_gives_every_refusal_a_code_and_a_message():
    for error in (AlreadyReversed, BatchRefused([]), FutureDate, NotReversible, ReasonRequired, ZeroPoints):
        instance = error() if isinstance(error, type) else error
        assert isinstance(instance, DomainError)
        assert instance.code and instance.message
