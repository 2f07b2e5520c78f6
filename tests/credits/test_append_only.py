"""The ledger is append-only in the database itself, below the ORM, on SQLite and PostgreSQL.

Each refused statement runs inside its own `transaction.atomic()` savepoint, so the trigger's
error rolls back only that statement and the test goes on; the flush tests run outside any
test transaction, the way the test runner itself flushes.
"""

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import F, ProtectedError
from django.utils import timezone

from credits.models import Entry
from credits.services import entry_record, household_open
from households.models import Household, Town, Village

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(a1, alice, award):
    return entry_record(household=a1, rule=award, occurred_on=timezone.localdate(), by=alice)


def refused_by_trigger():
    return pytest.raises(IntegrityError, match="append-only")


def ledger(household):
    return list(Entry.objects.filter(household=household).order_by("id").values_list("id", "points", "score_after"))


def test_it_refuses_a_raw_sql_update_of_an_entry(a1, entry):
    before = ledger(a1)

    with refused_by_trigger(), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE credits_entry SET points = 1000 WHERE id = %s", [entry.pk])

    assert ledger(a1) == before


def test_it_refuses_a_raw_sql_update_of_every_entry(a1, entry):
    before = ledger(a1)

    with refused_by_trigger(), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE credits_entry SET note = 'edited'")

    assert ledger(a1) == before
    assert not Entry.objects.filter(note="edited").exists()


def test_it_refuses_a_raw_sql_delete_of_entries(a1, entry):
    before = ledger(a1)

    with refused_by_trigger(), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM credits_entry")

    assert ledger(a1) == before


def test_it_refuses_an_orm_update_of_entries(a1, entry):
    before = ledger(a1)

    with refused_by_trigger(), transaction.atomic():
        Entry.objects.filter(pk=entry.pk).update(points=F("points") * 10)

    assert ledger(a1) == before


def test_it_refuses_saving_an_edited_entry(a1, entry):
    before = ledger(a1)
    entry.points = 1000

    with refused_by_trigger(), transaction.atomic():
        entry.save()

    assert ledger(a1) == before


def test_it_refuses_an_orm_delete_of_entries(a1, entry):
    before = ledger(a1)

    with refused_by_trigger(), transaction.atomic():
        Entry.objects.filter(household=a1).delete()
    with refused_by_trigger(), transaction.atomic():
        entry.delete()

    assert ledger(a1) == before


def test_it_still_appends_entries(a1, entry):
    assert [points for _id, points, _after in ledger(a1)] == [100, 2]


def test_it_refuses_deleting_a_household_that_has_entries(a1):
    with pytest.raises(ProtectedError), transaction.atomic():
        a1.delete()

    assert Household.objects.filter(pk=a1.pk).exists()


def append_only_is_enforced():
    """Open a household in a world made from scratch, then try to edit its opening entry."""
    from django.contrib.auth.models import User

    root = User.objects.create_superuser("root-after-flush", password="x")
    village = Village.objects.create(code="after-flush", name="村", town=Town.objects.create(name="镇"))
    household = household_open(village=village, number="1", head_name="王", by=root)
    try:
        with transaction.atomic():
            Entry.objects.filter(household=household).update(points=1)
    except IntegrityError:
        return Entry.objects.get(household=household).points == 100
    return False


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_flushes_a_database_with_entries_and_keeps_the_triggers(a1, entry):
    # As the test runner calls it between transactional tests. Resetting the sequences too would
    # hand out ids the next test's restored catalogue already uses, on PostgreSQL.
    call_command("flush", interactive=False, verbosity=0, reset_sequences=False)

    assert not Entry.objects.exists()
    assert not Household.objects.exists()
    assert append_only_is_enforced()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_refuses_edits_outside_any_transaction(a1, entry):
    # Autocommit, as a stray script or a `dbshell` session would run it.
    with refused_by_trigger():
        Entry.objects.filter(pk=entry.pk).update(points=1000)
    with refused_by_trigger():
        Entry.objects.filter(pk=entry.pk).delete()

    assert Entry.objects.get(pk=entry.pk).points == 2


def replacing(table: str, *, form: str = "INSERT OR REPLACE", **changed: str) -> str:
    """SQL that writes a copy of the row of id %s of `table` over it, with the `changed` columns'
    values replaced by SQL expressions, as each database allows."""
    with connection.cursor() as cursor:
        columns = [column.name for column in connection.introspection.get_table_description(cursor, table)]
    values = ", ".join(changed.get(column, column) for column in columns)
    statement = f"INTO {table} ({', '.join(columns)}) SELECT {values} FROM {table} WHERE id = %s"
    if connection.vendor == "postgresql":
        # PostgreSQL has no REPLACE; its upsert is an UPDATE, which the row trigger sees.
        return f"INSERT {statement} ON CONFLICT (id) DO UPDATE SET id = excluded.id"
    return f"{form} {statement}"


def truncate(table: str) -> None:
    with connection.cursor() as cursor:
        # Check the test transaction's deferred foreign keys now: TRUNCATE refuses a table with
        # checks pending, which would hide whether the trigger refuses it.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {table} CASCADE")


@pytest.mark.parametrize("form", ["INSERT OR REPLACE", "REPLACE"])
def test_it_refuses_replacing_an_entry(a1, entry, form):
    before = ledger(a1)

    with refused_by_trigger(), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(replacing("credits_entry", form=form, points="1003"), [entry.pk])

    assert ledger(a1) == before


@pytest.mark.skipif(connection.vendor != "sqlite", reason="recursive triggers are SQLite's")
def test_it_refuses_replacing_an_entry_on_a_connection_without_recursive_triggers(a1, entry):
    # As the sqlite3 shell opens the file: REPLACE then deletes without the DELETE trigger.
    before = ledger(a1)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA recursive_triggers = OFF")
    try:
        with refused_by_trigger(), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(replacing("credits_entry", points="1003"), [entry.pk])
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA recursive_triggers = ON")

    assert ledger(a1) == before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no TRUNCATE")
def test_it_refuses_truncating_the_ledger(a1, entry):
    before = ledger(a1)

    with refused_by_trigger(), transaction.atomic():
        truncate("credits_entry")

    assert ledger(a1) == before
