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
