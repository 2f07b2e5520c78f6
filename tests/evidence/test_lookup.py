"""The villager's lookup page shows the photos and documents of the household's own entries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from credits.services import entry_record
from evidence.services import evidence_add
from tests.evidence.conftest import PDF, image_bytes, upload

pytestmark = pytest.mark.django_db


def test_the_record_shows_its_entries_evidence_opening_the_display_copy(client, a1, alice, deduction):
    entry = entry_record(household=a1, rule=deduction, occurred_on=timezone.localdate(), by=alice)
    photo = evidence_add(household=a1, file=upload(image_bytes(), "现场.jpg"), by=alice, entry=entry)
    document = evidence_add(household=a1, file=upload(PDF, "通知.pdf"), by=alice, entry=entry)

    page = client.get(reverse("lookup_card", args=[a1.card_token])).content.decode()

    assert f'<a href="{photo.get_absolute_url()}"' in page and f'src="{photo.get_absolute_url()}"' in page
    assert photo.original_url not in page  # the villager's phone gets the reduced copy
    assert document.get_absolute_url() in page and "通知.pdf" in page
    assert "open_original" not in page and "{#" not in page  # the template's own notes stay unsaid
    assert client.get(photo.get_absolute_url()).status_code == 200


def test_the_record_never_shows_another_households_evidence(client, a1, a2, alice, deduction):
    entry = entry_record(household=a2, rule=deduction, occurred_on=timezone.localdate(), by=alice)
    theirs = evidence_add(household=a2, file=upload(image_bytes()), by=alice, entry=entry)
    loose = evidence_add(household=a1, file=upload(PDF), by=alice)  # on no entry (a case's, say)

    page = client.get(reverse("lookup_card", args=[a1.card_token])).content.decode()

    assert str(theirs.public_id) not in page and str(loose.public_id) not in page
    assert client.get(theirs.get_absolute_url()).status_code == 404


def test_evidence_costs_the_page_one_query_however_many_files(client, a1, alice, deduction):
    url = reverse("lookup_card", args=[a1.card_token])
    client.get(url)  # The first visit creates the session (an INSERT, not an UPDATE): not the evidence's cost.
    counts = []
    for _round in range(3):
        entry = entry_record(household=a1, rule=deduction, occurred_on=timezone.localdate(), by=alice)
        for _file in range(2):
            evidence_add(household=a1, file=upload(PDF), by=alice, entry=entry)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1] == counts[2]
