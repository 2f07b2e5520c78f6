"""Two officers selecting town titles at once never award more than the town's quota."""

import pytest

from tests.threads import run_together
from titles.errors import QuotaFull
from titles.models import Level, Title
from titles.services import title_nominate, title_select


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_officers_selecting_at_once_stay_within_the_quota(awarded, alice, olivia, town, town_quota):
    from tests.factories import UserFactory

    oscar = UserFactory(username="oscar", role="officer")
    town.officers.add(oscar)
    first, second = (title_nominate(title=title, by=alice) for title in awarded)

    results, errors = run_together(
        lambda: title_select(nomination=first, by=olivia), lambda: title_select(nomination=second, by=oscar)
    )

    assert Title.objects.filter(level=Level.TOWN).count() == 1
    assert sum(result is not None for result in results) == 1
    assert [type(error) for error in errors if error is not None] == [QuotaFull]
