"""`rule_create` and `rule_update`: the catalogue's writers, for clerks only, with its checks in words."""

import pytest

from credits.errors import BadRule, RuleNameTaken, ZeroPoints
from credits.services import entry_record, rule_create, rule_update
from households.errors import NotYours
from tests.credits.ledger import today

pytestmark = pytest.mark.django_db


def test_it_adds_a_rule_for_a_clerk(alice, draft_award):
    rule = rule_create(domain=draft_award.domain, name=" 清理河道 ", points=4, cap_per_year=3, by=alice)
    assert (rule.name, rule.points, rule.cap_per_year, rule.active) == ("清理河道", 4, 3, True)


@pytest.mark.parametrize("user", ["olivia", "sam", "mallory"])
def test_it_refuses_anyone_but_a_clerk(request, award, user):
    with pytest.raises(NotYours):
        rule_create(domain=award.domain, name="x", points=1, by=request.getfixturevalue(user))
    with pytest.raises(NotYours):
        rule_update(rule=award, points=9, by=request.getfixturevalue(user))


@pytest.mark.parametrize(
    "fields, error",
    [
        ({"points": 0}, ZeroPoints),
        ({"points": 1001}, BadRule),
        ({"cap_per_year": 0}, BadRule),
        ({"cap_per_month": 32}, BadRule),
    ],
)
def test_it_refuses_what_the_catalogue_cannot_hold(alice, draft_award, fields, error):
    with pytest.raises(error):
        rule_update(rule=draft_award, by=alice, **fields)
    draft_award.refresh_from_db()
    assert (draft_award.points, draft_award.cap_per_year) == (2, None)


def test_it_refuses_a_second_rule_of_the_same_name_in_a_domain(alice, draft_award):
    with pytest.raises(RuleNameTaken):
        rule_create(domain=draft_award.domain, name=draft_award.name, points=1, by=alice)


def test_it_leaves_recorded_entries_as_they_were(alice, a1, award, draft_award):
    entry = entry_record(household=a1, rule=award, occurred_on=today(), by=alice)
    rule_update(rule=draft_award, name="改名", points=-3, by=alice)
    entry.refresh_from_db()
    assert (entry.rule_name, entry.points) == ("测试奖励", 2)
