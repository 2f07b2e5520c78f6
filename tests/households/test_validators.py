"""Control characters are refused wherever people type names, notes and reasons, and nothing changes.

The admin's forms and the roster import say which character is wrong (the API: tests/api/test_text.py).
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from credits.models import Entry
from credits.services import entry_record
from exchange.models import RedemptionVoid
from households.models import Household
from tests.exchange.conftest import redeem, restock
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

BAD = ["王\x0b五", "王\x07五", "王\u2028五", "王\x1b五"]


def admin_url(name, obj) -> str:
    return reverse(f"admin:{name}", args=[obj.pk])


def form_errors(response) -> str:
    form = response.context["adminform"].form if "adminform" in response.context else response.context["form"]
    return " ".join(str(error) for error in form.errors.values())


@pytest.fixture
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def sale(shop_a, a1):
    soap = ProductFactory(shop=shop_a, name="洗衣皂", unit="块", price=10)
    restock(soap, 5)
    return redeem(shop_a, a1, (soap, 1))


@pytest.mark.parametrize("name", BAD)
def test_it_refuses_a_control_character_in_a_households_name_in_the_admin(english, alice, a1, name):
    english.force_login(alice)

    response = english.post(admin_url("households_household_change", a1), {"head_name": name, "group": "第一组"})

    assert response.status_code == 200
    assert "control character" in form_errors(response)
    a1.refresh_from_db()
    assert a1.head_name == "应美凤"


def test_it_refuses_a_control_character_in_a_note_or_a_reason_in_the_admin(english, alice, a1, award, sale):
    english.force_login(alice)
    entry = entry_record(household=a1, rule=award, occurred_on=timezone.localdate(), by=alice)
    today = timezone.localdate().isoformat()

    record = english.post(admin_url("households_household_record", a1), {"rule": award.pk, "occurred_on": today,
                                                                        "note": "扫\x0b雪"})  # fmt: skip
    undo = english.post(admin_url("credits_entry_reverse", entry), {"reason": "记\x07错"})
    void = english.post(admin_url("exchange_redemption_void", sale), {"reason": "退\x1b货"})

    assert "U+000B" in form_errors(record)
    assert "U+0007" in form_errors(undo)
    assert "U+001B" in form_errors(void)
    assert Entry.objects.filter(household=a1).count() == 3  # the opening, the award, the redemption
    assert not RedemptionVoid.objects.exists()


def test_it_names_the_row_and_the_column_of_a_control_character_in_a_roster(client, alice, village_a):
    client.force_login(alice)
    sheet = "户号,户主,住址\r\n0101,张志强,农丰路1号\r\n0102,陈\x0b丽华,\r\n0103,曾国平,农丰路\x003号\r\n"
    upload = SimpleUploadedFile("roster.csv", sheet.encode())

    response = client.post(reverse("admin:households_household_import"), {"import_file": upload, "format": 0,
                                                                          "resource": 0}, follow=True)  # fmt: skip

    lines = {line: " ".join(reasons) for line, reasons in response.context["job"].problems}
    assert set(lines) == {3, 4}
    assert "户主" in lines[3] and "U+000B" in lines[3]
    assert "住址" in lines[4] and "U+0000" in lines[4]
    assert not Household.objects.filter(number__startswith="01").exists()
