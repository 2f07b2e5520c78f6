"""The fixed world every test starts from.

Two villages of one town: 农丰村 (A), kept by Alice, and 永丰村 (B), kept by Bob, each with its own
catalogue of rules (`award`, `deduction`… in A; `award_b`, `deduction_b` in B). Olivia is the
town's officer and may read both; the town lies in 海盐县, whose officer Connie reads every town of
it, 武原街道 and its 城东村 (C, kept by Carl) among them. Sam keeps 农丰兑换超市 (shop_a) and no village; Tess keeps
永丰兑换超市 (shop_b) in B. Mallory is staff with no
assignment at all and must see nothing. Households a1, a2 live in A and b1 in B.
"""

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import translation

from tests.factories import (
    PASSWORD,
    CountyFactory,
    RuleFactory,
    ShopFactory,
    TownFactory,
    UserFactory,
    VillageFactory,
    open_household,
)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Browser tests last, after pytest-django has put transactional tests after the others; then
    the benches' quick runs, which have been running beside the suite since it was collected.

    A browser test must commit its data, so it ends with a flush that empties every table,
    including the groups and catalogue the migrations made; Django's serialized rollback cannot
    restore them under Playwright (see tests/e2e/conftest.py). Running them last keeps every
    other test on a database as the migrations left it. The benches use databases of their own.
    """
    items.sort(key=lambda item: tuple(item.get_closest_marker(mark) is not None for mark in ("bench", "browser")))


@pytest.fixture(autouse=True)
def _fresh_content_types(request):
    """A transactional test starts on a database flushed and restored, whose content types may have
    other ids than the ones cached in this process; the history of changes points at them."""
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        ContentType.objects.clear_cache()


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A request in Chinese leaves Chinese active in the thread; put the suite's language back."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def town(db):
    return TownFactory(name="百步镇")


@pytest.fixture
def village_a(town):
    return VillageFactory(code="nongfeng", name="农丰村", town=town)


@pytest.fixture
def village_b(town):
    return VillageFactory(code="yongfeng", name="永丰村", town=town)


@pytest.fixture
def alice(village_a):
    user = UserFactory(username="alice", role="clerk")
    village_a.clerks.add(user)
    return user


@pytest.fixture
def bob(village_b):
    user = UserFactory(username="bob", role="clerk")
    village_b.clerks.add(user)
    return user


@pytest.fixture
def olivia(town):
    user = UserFactory(username="olivia", role="officer")
    town.officers.add(user)
    return user


@pytest.fixture
def county(town):
    county = CountyFactory(name="海盐县")
    town.county = county
    town.save(update_fields=["county"])
    return county


@pytest.fixture
def connie(county):
    user = UserFactory(username="connie", role="officer")
    county.officers.add(user)
    return user


@pytest.fixture
def village_c(county):
    return VillageFactory(code="chengdong", name="城东村", town=TownFactory(name="武原街道", county=county))


@pytest.fixture
def carl(village_c):
    user = UserFactory(username="carl", role="clerk")
    village_c.clerks.add(user)
    return user


@pytest.fixture
def c1(village_c, carl):
    return open_household(village_c, by=carl, number="0001", head_name="陈志强", group="第一组")


@pytest.fixture
def sam(db):
    return UserFactory(username="sam", role="shopkeeper")


@pytest.fixture
def tess(db):
    return UserFactory(username="tess", role="shopkeeper")


@pytest.fixture
def shop_a(village_a, alice, sam):
    shop = ShopFactory(village=village_a, name="农丰兑换超市")
    shop.shopkeepers.add(sam)
    return shop


@pytest.fixture
def shop_b(village_b, bob, tess):
    shop = ShopFactory(village=village_b, name="永丰兑换超市")
    shop.shopkeepers.add(tess)
    return shop


@pytest.fixture
def mallory(db):
    return UserFactory(username="mallory")


@pytest.fixture
def a1(village_a, alice):
    return open_household(village_a, by=alice, number="0001", head_name="应美凤", group="第一组", phone="13812341234")


@pytest.fixture
def a2(village_a, alice):
    return open_household(village_a, by=alice, number="0002", head_name="王建国", group="第二组")


@pytest.fixture
def b1(village_b, bob):
    return open_household(village_b, by=bob, number="0001", head_name="李秀英", group="第一组")


@pytest.fixture
def award(village_a):
    """+2, no cap, in 农丰村's catalogue."""
    return RuleFactory(village=village_a, name="测试奖励", points=2)


@pytest.fixture
def capped_award(village_a):
    """+5, at most twice a household a year."""
    return RuleFactory(village=village_a, name="测试限次奖励", points=5, cap_per_year=2)


@pytest.fixture
def deduction(village_a):
    """−5, like 破坏环境."""
    return RuleFactory(village=village_a, name="测试扣分", points=-5)


@pytest.fixture
def award_b(village_b):
    """+2 in 永丰村's own catalogue."""
    return RuleFactory(village=village_b, name="测试奖励", points=2)


@pytest.fixture
def deduction_b(village_b):
    return RuleFactory(village=village_b, name="测试扣分", points=-5)


@pytest.fixture
def draft(award, alice):
    """The next version of 农丰村's catalogue, a draft copy of the one in force."""
    from credits.services import version_draft

    return version_draft(catalogue=award.version.catalogue, by=alice)


@pytest.fixture
def draft_award(draft, award):
    """`award` as it stands in the draft, to be edited there."""
    return draft.rules.get(key=award.key)
