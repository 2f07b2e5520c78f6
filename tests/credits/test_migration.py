"""Moving from one shared catalogue to each village's own keeps every entry's rule and points."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from credits.models import Entry
from credits.selectors import ledger_differences, reversal_mismatches

BEFORE = [("credits", "0008_append_only_replace_and_truncate")]


def state_before(executor):
    """The models to write the old rows with: the ledger before, every other app as it is now,
    except the apps built on a later ledger (cases), which migrating back has unapplied."""
    graph = executor.loader.graph
    others = [
        node
        for node in graph.leaf_nodes()
        if node[0] != "credits"
        and not any(app == "credits" and name > BEFORE[0][1] for app, name in graph.forwards_plan(node))
    ]
    return executor.loader.project_state([*BEFORE, *others]).apps


def populate(apps) -> None:
    """Two villages sharing one catalogue, as before: each household opened, awarded, deducted."""
    Town, Village, Household = (apps.get_model("households", name) for name in ("Town", "Village", "Household"))
    Domain, Rule, Entry = (apps.get_model("credits", name) for name in ("Domain", "Rule", "Entry"))
    clerk = apps.get_model("auth", "User").objects.create(username="old-clerk")
    town = Town.objects.create(name="旧镇")
    domain = Domain.objects.create(name="旧领域", position=9)
    rules = [
        Rule.objects.create(domain=domain, name="旧奖励", points=3, description="旧标准"),
        Rule.objects.create(domain=domain, name="旧扣分", points=-5, description="乱倒垃圾"),
    ]
    for code in ("oldone", "oldtwo"):
        village = Village.objects.create(code=code, name=code, town=town)
        for number in ("1", "2"):
            household = Household.objects.create(
                village=village, number=number, number_key=number, head_name="张", card_token=code + number
            )
            score = 0
            for kind, rule, points in (("opening", None, 100), ("award", rules[0], 3), ("deduction", rules[1], -5)):
                score += points
                Entry.objects.create(
                    household=household,
                    kind=kind,
                    points=points,
                    in_score=True,
                    rule=rule,
                    rule_name=rule.name if rule else "",
                    occurred_on="2025-03-01",
                    recorded_by=clerk,
                    score_after=score,
                    balance_after=score,
                )
            Household.objects.filter(pk=household.pk).update(score=score, balance=score)


# Serialized rollback, as the other transactional tests: the flush after it leaves the database as
# the next of them expects to restore it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_gives_each_village_its_own_copy_and_keeps_every_entry():
    executor = MigrationExecutor(connection)
    after = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)
    populate(state_before(executor))

    executor = MigrationExecutor(connection)
    executor.migrate(after)

    entries = Entry.objects.filter(household__village__code__in=["oldone", "oldtwo"], rule__isnull=False)
    assert entries.count() == 8
    for entry in entries.select_related("rule__version__catalogue", "household"):
        assert entry.rule.version.catalogue.village_id == entry.household.village_id
        assert (entry.rule.name, entry.rule.points, entry.domain_name) == (entry.rule_name, entry.points, "旧领域")
        assert entry.rule_standard in ("旧标准", "乱倒垃圾")
        assert entry.rule.version.adopted
    assert ledger_differences() == []
    assert reversal_mismatches() == []
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        Entry.objects.filter(pk=entries.first().pk).update(points=1)
