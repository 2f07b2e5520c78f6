"""The claims' world: 农丰村 (A) opens `award` (+2) to claims; 永丰村 (B) opens `award_b`.

Photos are kept in a folder of their own, emptied after each test.
"""

import pytest

from claims.services import claimable_set
from tests.evidence.conftest import PDF, image_bytes, upload


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def claimable(village_a, alice, award):
    """`award` (+2, no cap) open to claims in 农丰村."""
    claimable_set(village=village_a, keys=[award.key], by=alice)
    return award


@pytest.fixture
def claimable_b(village_b, bob, award_b):
    claimable_set(village=village_b, keys=[award_b.key], by=bob)
    return award_b


def photo(name="IMG_0001.jpg"):
    return upload(image_bytes(size=(400, 300)), name)


def pdf(name="证明.pdf"):
    return upload(PDF, name, "application/pdf")


@pytest.fixture
def queue(alice, a1, a2, claimable):
    """Four claims sent over four days (not in the order of their ids), two of them decided.

    Returns their ids in the queue's order: the pending ones, the longest waiting first, then the
    decided ones, the latest decision first.
    """
    from datetime import timedelta

    from django.utils import timezone

    from claims.services import claim_approve, claim_reject, claim_submit

    now = timezone.now()

    def sent(household, days_ago):
        when = now - timedelta(days=days_ago)
        deed = timezone.localdate(when)
        return claim_submit(household=household, rule=claimable, occurred_on=deed, description="帮忙", now=when)

    today, three_days_ago, two_days_ago, yesterday = sent(a2, 0), sent(a1, 3), sent(a2, 2), sent(a1, 1)
    claim_reject(claim=yesterday, by=alice, reason="重复", now=now - timedelta(hours=2))
    claim_approve(claim=three_days_ago, by=alice, now=now - timedelta(hours=1))
    return [two_days_ago.pk, today.pk, three_days_ago.pk, yesterday.pk]
