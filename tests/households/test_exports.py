"""Every export (households, the ledger, redemptions; CSV and Excel) shows what people typed and runs nothing.

A villager's name or a clerk's note that a spreadsheet would take for a formula arrives as text,
a control character stored before input refused them cannot break the sheet, and numbers stay
numbers.
"""

import csv
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from credits.resources import EntryExportResource
from credits.services import entry_record
from exchange.resources import RedemptionExportResource
from exchange.services import redemption_void
from households.models import Household
from households.resources import HouseholdExportResource
from tests.exchange.conftest import redeem, restock
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

NUMBER = re.compile(r"-?\d+")
HYPERLINK = '=HYPERLINK("http://evil.example/","x")'
EXPORTS = {
    "household": HouseholdExportResource,
    "entry": EntryExportResource,
    "redemption": RedemptionExportResource,
}


def export(client, model: str, kind: str) -> list[list]:
    resource = EXPORTS[model]
    fields = {f"{resource.__name__.lower()}_{name}": "on" for name in resource._meta.fields}
    app = "exchange" if model == "redemption" else "credits" if model == "entry" else "households"
    url = reverse(f"admin:{app}_{model}_export")
    response = client.post(url, {"format": 0 if kind == "csv" else 1, "resource": 0, **fields})
    assert response.status_code == 200, response.content[:300]
    if kind == "xlsx":
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert not [cell.coordinate for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
def tampered(alice, a1, deduction, shop_a):
    """Names, a note and a reason stored as an attacker would want them (before input refused them)."""
    Household.objects.filter(pk=a1.pk).update(head_name=HYPERLINK, group="+1\x0b组", address="@SUM(A1)\x07")
    a1.refresh_from_db()
    entry_record(household=a1, rule=deduction, occurred_on=timezone.localdate(), by=alice, note="-2+3\x01")
    soap = ProductFactory(shop=shop_a, name="=1+1", unit="块", price=10)
    restock(soap, 5)
    redemption_void(redemption=redeem(shop_a, a1, (soap, 1)), reason="\t=cmd|' /C calc'!A0", by=alice)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize("model", EXPORTS)
def test_it_exports_formula_like_text_as_text(client, alice, tampered, model, kind):
    client.force_login(alice)

    cells = {cell for row in export(client, model, kind)[1:] for cell in row if isinstance(cell, str)}

    # A negative number is a number, in CSV too.
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not NUMBER.fullmatch(cell)]
    assert f"'{HYPERLINK}" in cells


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_it_replaces_control_characters_in_every_export(client, alice, tampered, kind):
    client.force_login(alice)

    households = export(client, "household", kind)
    entries = export(client, "entry", kind)
    redemptions = export(client, "redemption", kind)

    row = next(row for row in households if row[3] == f"'{HYPERLINK}")
    assert (row[4], row[5]) == ("'+1\ufffd组", "'@SUM(A1)\ufffd")
    assert "'-2+3\ufffd" in [row[11] for row in entries]
    assert redemptions[1][6] == "'=1+1×1块"
    assert redemptions[1][10] == "'=cmd|' /C calc'!A0"


def test_it_keeps_points_and_totals_as_numbers_in_excel(client, alice, tampered):
    client.force_login(alice)

    entries = export(client, "entry", "xlsx")
    households = export(client, "household", "xlsx")
    redemptions = export(client, "redemption", "xlsx")

    assert [row[8] for row in entries[1:]] == [100, -5, -10, 10]
    assert [row[9] for row in entries[1:]] == [100, 95, 95, 95]
    assert households[1][8:10] == [95, 95]
    assert redemptions[1][7] == 10
