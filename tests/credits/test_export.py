"""The ledger's export from the admin: the user's villages only, filtered as the list is."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from credits.resources import EntryExportResource
from credits.services import entry_record

pytestmark = pytest.mark.django_db

EXPORT = reverse("admin:credits_entry_export")
FIELDS = {f"entryexportresource_{name}": "on" for name in EntryExportResource._meta.fields}


def export(client, kind="csv", **filters):
    query = "&".join(f"{key}={value}" for key, value in filters.items())
    response = client.post(f"{EXPORT}?{query}", {"format": 0 if kind == "csv" else 1, "resource": 0, **FIELDS})
    assert response.status_code == 200
    if kind == "xlsx":
        rows = load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
        return [["" if value is None else str(value) for value in row] for row in rows]
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
def history(alice, bob, a1, a2, b1, award, deduction, award_b):
    today = timezone.localdate()
    entry_record(household=a1, rule=award, occurred_on=today - timedelta(days=40), by=alice)
    entry_record(household=a1, rule=deduction, occurred_on=today - timedelta(days=5), by=alice)
    entry_record(household=a2, rule=award, occurred_on=today, by=alice)
    entry_record(household=b1, rule=award_b, occurred_on=today, by=bob)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_it_exports_the_clerks_entries_with_their_household_and_rule(client, alice, history, award, kind):
    client.force_login(alice)

    rows = export(client, kind)

    header, body = rows[0], rows[1:]
    assert header[:4] == ["entry", "village code", "household number", "head of household"]
    assert {row[1] for row in body} == {"nongfeng"}
    assert sorted(row[8] for row in body) == sorted(["100", "100", "2", "-5", "2"])
    award_row = next(row for row in body if row[8] == "2" and row[2] == "0002")
    assert (award_row[5], award_row[6], award_row[7]) == ("award", award.domain.name, award.name)


def test_it_filters_by_kind_domain_date_range_and_village(client, olivia, history, award, village_b):
    client.force_login(olivia)
    today = timezone.localdate()

    assert {row[5] for row in export(client, kind__exact="deduction")[1:]} == {"deduction"}
    # 农丰村's two entries under the award's domain; 永丰村's award is of its own catalogue.
    assert len(export(client, domain=award.domain.name)[1:]) == 2
    in_range = export(client, occurred_from=today - timedelta(days=10), occurred_to=today - timedelta(days=1))[1:]
    assert [(row[2], row[8]) for row in in_range] == [("0001", "-5")]
    assert {row[1] for row in export(client, household__village__id__exact=village_b.pk)[1:]} == {"yongfeng"}


def test_it_never_exports_another_villages_entries(client, bob, mallory, history):
    client.force_login(bob)
    assert {row[1] for row in export(client)[1:]} == {"yongfeng"}

    client.force_login(mallory)
    assert client.post(EXPORT, {"format": 0, "resource": 0}).status_code == 403


def test_it_offers_the_date_range_in_the_entries_list(client, alice, history):
    client.force_login(alice)
    today = timezone.localdate()

    since = today - timedelta(days=10)
    response = client.get(reverse("admin:credits_entry_changelist"), {"occurred_from": since, "occurred_to": since})
    assert [entry.points for entry in response.context["cl"].result_list] == []

    response = client.get(reverse("admin:credits_entry_changelist"), {"occurred_from": since})
    # The households were opened years ago (tests.factories), so their opening entries fall outside.
    assert sorted(entry.points for entry in response.context["cl"].result_list) == [-5, 2]
    assert f"occurred_from={since}" in response.content.decode()
