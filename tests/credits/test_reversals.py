"""The ledger's services: reversals, and the chain and sums that every sequence must keep.

Each test states one rule of the design (DESIGN.md, "What must always hold") and would fail if
the rule broke: the ledger is only ever appended to, every entry carries the household's score
and balance after it, and the cached score and balance always equal the sums of the entries.
"""

import pytest
from django.db.models import Sum
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
    ZeroPoints,
)
from credits.models import Entry
from credits.selectors import ledger_differences, statement
from credits.services import entry_adjust, entry_record, entry_record_batch, entry_reverse, household_open
from households.errors import DomainError, NotYours
from households.services import household_close
from tests.credits.ledger import assert_ledger_agrees, last_year, scores, today
from tests.factories import open_household

pytestmark = pytest.mark.django_db

Kind = Entry.Kind


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
