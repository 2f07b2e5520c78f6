"""The migration that brings in the hash chain links every existing entry and sets every head."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from credits import chain
from credits.models import Entry
from credits.selectors import chain_breaks
from credits.services import entry_record
from households.models import Household
from tests.credits.ledger import reconcile

BEFORE = [("credits", "0012_catalogue_roles"), ("households", "0006_number_key")]


def migrate(targets=None):
    """To `targets`, or to the latest migrations (the chain's and any after it): later tests need the latest."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_chains_the_entries_a_database_already_has(a1, a2, alice, award):
    entry_record(household=a1, rule=award, occurred_on=timezone.localdate(), by=alice)
    entry_record(household=a2, rule=award, occurred_on=timezone.localdate(), by=alice)
    entry_record(household=a1, rule=award, occurred_on=timezone.localdate(), by=alice)
    hashes = list(Entry.objects.order_by("id").values_list("hash", flat=True))

    migrate(BEFORE)
    migrate()

    assert list(Entry.objects.order_by("id").values_list("hash", flat=True)) == hashes
    assert list(chain_breaks()) == []
    assert Household.objects.get(pk=a1.pk).chain_head == Entry.objects.filter(household=a1).latest("id").hash
    assert Entry.objects.filter(hash_version=chain.VERSION).count() == 5
    assert "agree" in reconcile()
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        Entry.objects.update(note="改过")
