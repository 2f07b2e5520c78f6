"""The cases' own people: Rita reviews 农丰村 (A) and keeps nothing; Carl is a second clerk of A."""

import pytest

from cases.models import ProcessSettings
from tests.factories import RuleFactory, UserFactory


@pytest.fixture
def rita(village_a):
    user = UserFactory(username="rita", role="reviewer")
    settings, _created = ProcessSettings.objects.get_or_create(village=village_a)
    settings.reviewers.add(user)
    return user


@pytest.fixture
def carl(village_a):
    user = UserFactory(username="carl", role="clerk")
    village_a.clerks.add(user)
    return user


@pytest.fixture
def big_deduction(village_a):
    """−20, like 红白事大操大办: at the default threshold, so it waits for approval and notice."""
    return RuleFactory(village=village_a, name="大操大办", points=-20)


@pytest.fixture
def big_award(village_a):
    return RuleFactory(village=village_a, name="见义勇为", points=20)
