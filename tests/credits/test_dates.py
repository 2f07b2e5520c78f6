"""A deed cannot be dated before its household was opened, nor before the village's earliest date.

Checked by the ledger's services, so the admin's pages, the batch and the API (see
tests/api/test_ledger.py) refuse alike, with the reason, and record nothing.
"""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from credits.errors import BeforeEarliestDeed, BeforeOpening
from credits.services import entry_adjust, entry_record, entry_record_batch
from households.models import Village
from tests.factories import open_household
from tests.households.test_stars import village_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh(village_a, alice):
    """A household opened a week ago."""
    return open_household(village_a, by=alice, number="0900", opened_on=timezone.localdate() - timedelta(days=7))


def test_it_refuses_a_deed_before_the_household_was_opened(alice, fresh, award):
    opened = timezone.localdate() - timedelta(days=7)

    for day in (opened - timedelta(days=1), date(1, 1, 1)):
        with pytest.raises(BeforeOpening) as refused:
            entry_record(household=fresh, rule=award, occurred_on=day, by=alice)
        assert refused.value.message == f"Household 0900 was opened on {opened.isoformat()}; the date of the deed cannot be earlier."  # noqa: E501
        with pytest.raises(BeforeOpening):
            entry_adjust(household=fresh, points=3, reason="补录", occurred_on=day, by=alice)

    assert entry_record(household=fresh, rule=award, occurred_on=opened, by=alice).points == 2
    assert fresh.entries.count() == 2


def test_it_refuses_a_batch_naming_each_household_opened_after_the_date(alice, a1, fresh, award):
    day = timezone.localdate() - timedelta(days=30)

    with pytest.raises(Exception) as refused:
        entry_record_batch(households=[a1, fresh], rule=award, occurred_on=day, by=alice)

    assert [household.number for household, _message in refused.value.refusals] == ["0900"]
    assert a1.entries.count() == 1


def test_it_refuses_a_deed_before_the_villages_earliest_date(client, alice, a1, award, village_a):
    client.force_login(alice)
    earliest = timezone.localdate() - timedelta(days=60)
    page = reverse("admin:households_village_change", args=[village_a.pk])
    data = village_form(village_a, []) | {"earliest_deed_on": earliest.isoformat()}
    client.post(page, data)
    assert Village.objects.get(pk=village_a.pk).earliest_deed_on == earliest

    with pytest.raises(BeforeEarliestDeed) as refused:
        entry_record(household=a1, rule=award, occurred_on=earliest - timedelta(days=1), by=alice)
    assert refused.value.message == f"农丰村 records no deeds dated before {earliest.isoformat()}."
    assert entry_record(household=a1, rule=award, occurred_on=earliest, by=alice).points == 2


def test_it_shows_the_refusal_on_the_admins_record_page(client, alice, fresh, award):
    client.force_login(alice)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    url = reverse("admin:households_household_record", args=[fresh.pk])

    response = client.post(url, {"rule": award.pk, "occurred_on": "2001-01-01"})

    assert response.status_code == 200
    assert "was opened on" in response.content.decode()
    assert fresh.entries.count() == 1
