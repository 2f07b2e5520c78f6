"""`/lookup/rules/<code>/`: a village's rules in force, for anyone, never a draft or another village's."""

from datetime import timedelta

import pytest

from credits.services import rule_update, version_adopt
from tests.credits.ledger import today

pytestmark = pytest.mark.django_db


def test_it_shows_the_rules_in_force_and_announces_the_next_version(client, alice, award, draft, draft_award):
    rule_update(rule=draft_award, points=4, cap_per_month=2, by=alice)
    version_adopt(
        version=draft,
        meeting="村民代表大会",
        adopted_on=today(),
        effective_from=today() + timedelta(days=30),
        by=alice,
    )

    page = client.get("/lookup/rules/nongfeng/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "测试奖励" in page and "+2" in page and "+4" not in page
    assert "第 2 版已经村民代表大会通过" in page


def test_it_never_shows_a_draft(client, alice, award, draft_award):
    rule_update(rule=draft_award, name="草稿里的项目", by=alice)

    assert "草稿里的项目" not in client.get("/lookup/rules/nongfeng/").content.decode()


def test_it_shows_only_the_villages_own_rules(client, award, award_b, village_b):
    page = client.get(f"/lookup/rules/{village_b.code}/").content.decode()

    assert award_b.domain.name in page and award.domain.name not in page


def test_it_answers_404_for_an_unknown_village(client):
    assert client.get("/lookup/rules/nowhere/").status_code == 404
