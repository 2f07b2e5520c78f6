"""Each village's own catalogue in dated versions: the version in force applies, past entries keep
what they were recorded under, caps hold per year and per month, and no rule crosses villages."""

from datetime import timedelta

import pytest

from credits.errors import (
    BadEffectiveDate,
    BatchRefused,
    DraftPending,
    RuleMonthCapReached,
    RuleNotInForce,
    VersionAdopted,
)
from credits.forms import RecordEntryForm
from credits.selectors import statement, year_points_by_domain
from credits.services import (
    catalogue_adopt_template,
    domain_create,
    entry_record,
    entry_record_batch,
    rule_update,
    version_adopt,
    version_draft,
)
from households.errors import NotYours
from tests.credits.ledger import today
from tests.factories import RuleFactory, VillageFactory

pytestmark = pytest.mark.django_db


def adopt(draft, by, *, days_ago: int = 0):
    day = today() - timedelta(days=days_ago)
    return version_adopt(version=draft, meeting="村民代表大会", adopted_on=day, effective_from=day, by=by)


def test_it_applies_the_version_in_force_on_the_day_of_the_deed(a1, alice, award, draft, draft_award):
    rule_update(rule=draft_award, points=5, by=alice)
    adopt(draft, alice, days_ago=10)

    before = entry_record(household=a1, rule=award, occurred_on=today() - timedelta(days=15), by=alice)
    after = entry_record(household=a1, rule=award, occurred_on=today(), by=alice)

    assert (before.points, before.rule_id) == (2, award.pk)
    assert (after.points, after.rule_id) == (5, draft_award.pk)


def test_it_keeps_every_past_entry_statement_and_figure_when_a_rule_moves_and_changes(
    a1, alice, award, draft, draft_award
):
    entry = entry_record(household=a1, rule=award, occurred_on=today(), by=alice)
    elsewhere = domain_create(version=draft, name="新领域", by=alice)
    rule_update(rule=draft_award, name="改名", points=9, domain=elsewhere, description="新标准", by=alice)
    version_adopt(
        version=draft, meeting="村民代表大会", adopted_on=today(), effective_from=today() + timedelta(days=1), by=alice
    )

    entry.refresh_from_db()
    assert (entry.rule_name, entry.points, entry.domain_name, entry.rule_standard) == (
        "测试奖励",
        2,
        award.domain.name,
        award.description,
    )
    assert statement(a1).first().rule_name == "测试奖励"
    assert (award.domain.name, 2) in year_points_by_domain(a1, year=today().year)


def test_it_never_applies_another_villages_rule(a1, b1, alice, bob, award, award_b):
    with pytest.raises(NotYours):
        entry_record(household=b1, rule=award, occurred_on=today(), by=bob)
    with pytest.raises(NotYours):
        entry_record(household=a1, rule=award_b, occurred_on=today(), by=alice)


def test_it_offers_and_accepts_only_the_households_village_rules_in_the_form(a1, award, award_b):
    form = RecordEntryForm({"rule": str(award_b.pk), "occurred_on": today()}, village_ids=[a1.village_id])

    # Compared as choices, not as text: a rule's id may also be part of a domain's name (领域42).
    offered = form.fields["rule"]
    assert not offered.valid_value(str(award_b.pk)) and offered.valid_value(str(award.pk))
    assert not form.is_valid() and "rule" in form.errors


def test_it_refuses_a_rule_the_version_in_force_then_did_not_hold(a1, alice, award, draft):
    new = RuleFactory(village=a1.village, domain=draft.domains.first(), version=draft, name="新规", points=1)
    adopt(draft, alice)

    with pytest.raises(RuleNotInForce):
        entry_record(household=a1, rule=new, occurred_on=today() - timedelta(days=1), by=alice)
    assert entry_record(household=a1, rule=new, occurred_on=today(), by=alice).points == 1


def test_it_refuses_past_a_monthly_cap_and_says_which_household_and_month(a1, a2, alice, village_a):
    monthly = RuleFactory(village=village_a, name="志愿服务", points=2, cap_per_month=2)
    first = today().replace(day=1)
    entry_record_batch(households=[a1, a2], rule=monthly, occurred_on=first, by=alice)
    entry_record(household=a1, rule=monthly, occurred_on=first, by=alice)

    with pytest.raises(RuleMonthCapReached, match=a1.number):
        entry_record(household=a1, rule=monthly, occurred_on=first, by=alice)
    with pytest.raises(BatchRefused) as refused:
        entry_record_batch(households=[a1, a2], rule=monthly, occurred_on=first, by=alice)
    assert [household.number for household, _message in refused.value.refusals] == [a1.number]
    last_month = first - timedelta(days=1)
    assert entry_record(household=a1, rule=monthly, occurred_on=last_month, by=alice).points == 2


def test_it_counts_a_cap_across_the_versions_of_a_rule(a1, alice, village_a):
    monthly = RuleFactory(village=village_a, name="垃圾分类", points=1, cap_per_month=1)
    last_month = (today().replace(day=1) - timedelta(days=1)).replace(day=1)
    entry_record(household=a1, rule=monthly, occurred_on=last_month, by=alice)
    draft = version_draft(catalogue=monthly.version.catalogue, by=alice)
    day = last_month + timedelta(days=1)
    version_adopt(version=draft, meeting="村民代表大会", adopted_on=day, effective_from=day, by=alice)

    with pytest.raises(RuleMonthCapReached):
        entry_record(household=a1, rule=monthly, occurred_on=last_month + timedelta(days=2), by=alice)


def test_it_never_edits_an_adopted_version(alice, award):
    with pytest.raises(VersionAdopted):
        rule_update(rule=award, points=7, by=alice)
    award.refresh_from_db()
    assert award.points == 2


def test_it_keeps_one_draft_at_a_time(alice, award, draft):
    with pytest.raises(DraftPending):
        version_draft(catalogue=award.version.catalogue, by=alice)


def test_it_refuses_a_version_taking_effect_before_deeds_already_recorded(a1, alice, award, draft):
    entry_record(household=a1, rule=award, occurred_on=today(), by=alice)

    with pytest.raises(BadEffectiveDate):
        adopt(draft, alice, days_ago=1)
    draft.refresh_from_db()
    assert not draft.adopted


@pytest.mark.parametrize("user", ["bob", "olivia", "sam", "mallory"])
def test_it_lets_only_the_villages_clerks_change_its_catalogue(request, award, draft, draft_award, user):
    someone = request.getfixturevalue(user)
    with pytest.raises(NotYours):
        version_draft(catalogue=award.version.catalogue, by=someone)
    with pytest.raises(NotYours):
        rule_update(rule=draft_award, points=7, by=someone)
    with pytest.raises(NotYours):
        adopt(draft, someone)


def test_it_starts_a_village_from_its_towns_template(admin_user, alice, town, award):
    template = catalogue_adopt_template(
        village=VillageFactory(code="newvillage", town=town),
        template=award.version,
        name="新村村规民约",
        meeting="村民代表大会",
        effective_from=today(),
        by=admin_user,
    )

    assert [(rule.key, rule.points) for rule in template.rules.all()] == [(award.key, award.points)]
    assert template.catalogue.village.code == "newvillage" and template.based_on == award.version
