"""The site may run as a PostgreSQL role that cannot rewrite the books (`manage.py site_role`).

The tables' owner (who runs the migrations) makes the role; the site logs in as it. Refusals are
checked on a connection of the role's own, where no RESET ROLE leads back to the owner; the
services are run through Django logged in as the role, as the site would be.
"""

from contextlib import contextmanager

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from credits.models import Entry
from credits.services import entry_record, entry_reverse, household_open
from exchange.services import redemption_void
from tests.exchange.conftest import redeem, restock
from tests.factories import ProductFactory

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="database roles are PostgreSQL's"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

APPEND_ONLY = [
    "history_change",
    "credits_entry",
    "exchange_stockmovement",
    "exchange_redemption",
    "exchange_redemptionline",
    "exchange_redemptionvoid",
]


@pytest.fixture
def role():
    # Roles belong to the whole cluster: one name per test database keeps parallel runs apart.
    name = f"{connection.settings_dict['NAME']}_site"
    call_command("site_role", name, verbosity=0)
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP OWNED BY "{name}"')
        cursor.execute(f'DROP ROLE "{name}"')


@contextmanager
def logged_in_as(user: str):
    """Django's own connection, logged in as `user` instead of the owner."""
    owner = connection.settings_dict["USER"]
    connection.close()
    connection.settings_dict["USER"] = user
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["USER"] = owner


def role_connection(role: str) -> psycopg.Connection:
    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"], port=settings["PORT"] or 5432, dbname=settings["NAME"], user=role, autocommit=True
    )


def refused(session: psycopg.Connection, statement: str) -> bool:
    try:
        session.execute(statement)
    except psycopg.errors.InsufficientPrivilege:
        return True
    return False


def test_it_lists_the_append_only_tables_for_the_role(role):
    with role_connection(role) as session:
        rows = session.execute(
            "SELECT table_name, string_agg(privilege_type, ',' ORDER BY privilege_type) "
            "FROM information_schema.role_table_grants WHERE grantee = current_user GROUP BY table_name"
        ).fetchall()
    privileges = dict(rows)

    assert {table: privileges[table] for table in APPEND_ONLY} == {table: "INSERT,SELECT" for table in APPEND_ONLY}
    assert privileges["households_household"] == "DELETE,INSERT,SELECT,UPDATE"


def test_it_refuses_the_role_every_way_around_the_append_only_triggers(role, a1, alice, award):
    entry_record(household=a1, rule=award, occurred_on=timezone.localdate(), by=alice)
    before = list(Entry.objects.order_by("pk").values_list("pk", "points"))

    with role_connection(role) as session:
        for table in APPEND_ONLY:
            assert refused(session, f"UPDATE {table} SET id = id")
            assert refused(session, f"DELETE FROM {table}")
            assert refused(session, f"TRUNCATE {table} CASCADE")
            assert refused(session, f"ALTER TABLE {table} DISABLE TRIGGER ALL")
            assert refused(session, f"DROP TRIGGER {table}_append_only ON {table}")
        assert refused(session, "SET session_replication_role = replica")
        assert refused(session, "DROP FUNCTION credits_entry_append_only() CASCADE")
        assert refused(session, "ALTER ROLE current_user SUPERUSER")

    assert list(Entry.objects.order_by("pk").values_list("pk", "points")) == before


def test_it_lets_the_site_work_as_the_role(role, village_a, alice, award, sam, shop_a):
    with logged_in_as(role):
        soap = ProductFactory(shop=shop_a, name="洗衣皂", price=10)
        restock(soap, 5)
        household = household_open(village=village_a, number="99", head_name="李四", by=alice)
        entry = entry_record(household=household, rule=award, occurred_on=timezone.localdate(), by=alice)
        entry_reverse(entry=entry, reason="记错了", by=alice)
        entry_record(household=household, rule=award, occurred_on=timezone.localdate(), by=alice)
        redemption_void(redemption=redeem(shop_a, household, (soap, 1), by=sam), reason="退货", by=alice)
        call_command("reconcile", verbosity=0)

    household.refresh_from_db()
    assert (household.score, household.balance) == (102, 102)
    assert Entry.objects.filter(household=household).count() == 6
