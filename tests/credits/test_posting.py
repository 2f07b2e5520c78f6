"""The posting path: on PostgreSQL `entry_record` takes two statements, prepared once a connection,
and writes what the plain path (a batch of one) writes; refusals are still named as the plain path
names them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from credits.errors import RuleCapReached, YearClosed
from credits.models import Entry, YearScore
from credits.services import entry_record, entry_record_batch
from households.errors import HouseholdClosed, NotYours
from households.models import Household, Village
from households.services import household_close
from tests.credits.ledger import assert_ledger_agrees, reconcile

WRITTEN = ("kind", "points", "in_score", "rule_id", "rule_name", "domain_name", "rule_standard", "occurred_on",
           "note", "recorded_by_id", "score_after", "balance_after", "hash_version")  # fmt: skip


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_records_an_entry_in_two_statements_on_postgresql(a1, alice, capped_award):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite keeps the plain path")
    entry_record(household=a1, rule=capped_award, occurred_on=timezone.localdate(), by=alice)

    with CaptureQueriesContext(connection) as captured:
        entry_record(household=a1, rule=capped_award, occurred_on=timezone.localdate(), by=alice)

    statements = [q["sql"] for q in captured.captured_queries if q["sql"] not in ("BEGIN", "COMMIT")]
    assert len(statements) == 2, statements
    # Logged as Django logs its own, the parameters written in (a prepared run keeps no text of its own).
    assert "FOR UPDATE OF h" in statements[0] and f"WHERE h.id = {a1.pk}" in statements[0], statements
    assert "agree" in reconcile()


@pytest.mark.django_db
def test_it_has_postgresql_plan_its_two_statements_once_a_connection(a1, a2, alice, capped_award):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite keeps the plain path")
    for household in (a1, a2, a1):
        entry_record(household=household, rule=capped_award, occurred_on=timezone.localdate(), by=alice)

    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements WHERE NOT from_sql")
        prepared = cursor.fetchall()
    # Each prepared once and run three times (the openings' statement, without caps, is prepared too).
    assert [runs for statement, runs in prepared if "FOR UPDATE OF h" in statement] == [3], prepared
    writes = [runs for statement, runs in prepared if statement.startswith("WITH h AS") and "count(*)" in statement]
    assert writes == [3], prepared


@pytest.mark.django_db
def test_it_writes_what_a_batch_of_one_writes(a1, a2, alice, award):
    today = timezone.localdate()

    one = entry_record(household=a1, rule=award, occurred_on=today, by=alice, note=" 扫雪 ")
    (other,) = entry_record_batch(households=[a2], rule=award, occurred_on=today, by=alice, note=" 扫雪 ")

    stored = Entry.objects.get(pk=one.pk)
    assert [getattr(stored, field) for field in WRITTEN] == [getattr(other, field) for field in WRITTEN]
    assert [getattr(one, field) for field in WRITTEN] == [getattr(stored, field) for field in WRITTEN]
    assert (stored.hash, stored.previous_hash) == (one.hash, one.previous_hash)
    assert YearScore.objects.get(household=a1, year=today.year).points == 2
    a1.refresh_from_db()
    assert (a1.score, a1.balance, a1.chain_head) == (102, 102, one.hash)
    assert_ledger_agrees(a1)
    assert "agree" in reconcile()


@pytest.mark.django_db
def test_it_names_each_refusal_and_changes_nothing(a1, alice, bob, olivia, mallory, capped_award):
    today = timezone.localdate()
    for _ in range(2):
        entry_record(household=a1, rule=capped_award, occurred_on=today, by=alice)
    before = list(Entry.objects.values_list("pk", flat=True))

    with pytest.raises(RuleCapReached):
        entry_record(household=a1, rule=capped_award, occurred_on=today, by=alice)
    for stranger in (bob, olivia, mallory):  # another village's clerk, the town's officer (reads only), no one
        with pytest.raises(NotYours):
            entry_record(household=a1, rule=capped_award, occurred_on=today, by=stranger)
    Village.objects.filter(pk=a1.village_id).update(closed_year=today.year)
    with pytest.raises(YearClosed):
        entry_record(household=a1, rule=capped_award, occurred_on=today, by=alice)
    Village.objects.filter(pk=a1.village_id).update(closed_year=None)
    household_close(household=a1, by=alice)
    with pytest.raises(HouseholdClosed):
        entry_record(household=a1, rule=capped_award, occurred_on=today, by=alice)

    assert list(Entry.objects.values_list("pk", flat=True)) == before
    assert YearScore.objects.get(household=a1, year=today.year).points == 10


@pytest.mark.django_db
def test_no_index_holds_what_a_posting_moves_on_the_household():
    """A posting moves the household's score, balance, chain head and latest award: no index may hold
    them, so PostgreSQL can write the new row version in place ("HOT") instead of adding an entry to
    each of the household's nine indexes on every posting."""
    moved = {Household._meta.get_field(name).column for name in ("score", "balance", "chain_head", "last_award_on")}
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Household._meta.db_table)
    indexed = {name: set(c["columns"]) & moved for name, c in constraints.items() if c["index"] or c["unique"]}
    assert {name: columns for name, columns in indexed.items() if columns} == {}
