"""Household cards: printing them eight to an A4 sheet, the QR code's link, and issuing new ones.

The decoding test reads a card's QR code with a real decoder (zbar, through pyzbar) and follows
the link; it skips where the system's zbar library is missing (CI installs it: `libzbar0`).
"""

import io
import re
from urllib.parse import urlsplit

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from households.cards import card_qr, card_svg
from households.models import Household
from households.services import household_close, household_update
from tests.factories import ShopFactory, open_household

try:
    from PIL import Image
    from pyzbar.pyzbar import decode as zbar_decode
except ImportError as error:  # pyzbar raises ImportError when the zbar shared library is missing
    zbar_decode, ZBAR_MISSING = None, f"no QR decoder: {error} (install pyzbar, Pillow and Debian's libzbar0)"
else:
    ZBAR_MISSING = ""

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:households_household_changelist")
SHEET = re.compile(r'<section class="sheet">(.*?)</section>', re.S)
CARD = re.compile(r'<article class="card" data-household="(\d+)">')


def print_cards(client, *households, **extra):
    ids = [household.pk for household in households]
    return client.post(CHANGELIST, {"action": "print_cards", ACTION_CHECKBOX_NAME: ids, "index": 0}, **extra)


def reissue(client, *households, confirm=True):
    data = {"action": "reissue_cards", ACTION_CHECKBOX_NAME: [household.pk for household in households], "index": 0}
    if confirm:
        data.update(confirm="yes", expected=str(len(households)))
    return client.post(CHANGELIST, data)


def sheets(response) -> list[list[int]]:
    """The household ids on each printed sheet, in order."""
    assert response.status_code == 200
    assert [t.name for t in response.templates] == ["households/cards.html"]
    return [[int(pk) for pk in CARD.findall(sheet)] for sheet in SHEET.findall(response.content.decode())]


def counter_search(client, shop, text: str):
    return client.get(reverse("counter:shop", args=[shop.pk]), {"q": text})


def test_it_prints_a_card_for_each_selected_household(client, alice, a1, a2):
    client.force_login(alice)

    response = print_cards(client, a1, a2)

    assert sheets(response) == [[a1.pk, a2.pk]]
    page = response.content.decode()
    for text in ("农丰村", "0001", "应美凤", "0002", "王建国", "Scan to see your household's points."):
        assert text in page
    assert page.count("<svg") == 2
    assert "http" not in re.sub(r"<svg.*?</svg>", "", page, flags=re.S).replace("http://www.w3.org", "")


def test_it_lays_out_eight_cards_to_a_sheet(client, alice, village_a, a1):
    households = [a1] + [open_household(village_a, by=alice, number=f"{n:04d}") for n in range(2, 18)]
    client.force_login(alice)

    printed = sheets(print_cards(client, *households))

    assert [len(sheet) for sheet in printed] == [8, 8, 1]
    assert [pk for sheet in printed for pk in sheet] == [household.pk for household in households]


def test_it_shows_no_phone_number_or_address_on_a_card(client, alice, a1):
    household_update(household=a1, by=alice, head_name=a1.head_name, address="农丰村东路8号", phone="13812341234")
    client.force_login(alice)

    page = print_cards(client, a1).content.decode()

    for secret in ("13812341234", "138****1234", "农丰村东路8号", "东路"):
        assert secret not in page


def test_it_prints_nothing_of_another_village(client, alice, a1, b1):
    client.force_login(alice)

    assert sheets(print_cards(client, a1, b1)) == [[a1.pk]]
    response = print_cards(client, b1, follow=True)
    assert response.templates[0].name != "households/cards.html"
    assert "李秀英" not in response.content.decode()
    assert "No open household was selected" in response.content.decode()


def test_it_leaves_closed_households_out(client, alice, a1, a2):
    household_close(household=a2, by=alice)
    client.force_login(alice)

    response = print_cards(client, a1, a2)

    assert sheets(response) == [[a1.pk]]
    assert "1 closed household was left out." in response.content.decode()


def test_it_lets_the_officer_print_cards_but_not_issue_new_ones(client, olivia, a1, b1):
    client.force_login(olivia)
    tokens = {a1.card_token, b1.card_token}

    assert sheets(print_cards(client, a1, b1)) == [[a1.pk, b1.pk]]
    reissue(client, a1, b1)

    assert set(Household.objects.values_list("card_token", flat=True)) == tokens


def test_it_refuses_cards_to_staff_without_a_village(client, mallory, sam, a1):
    for user in (mallory, sam):
        client.force_login(user)
        assert print_cards(client, a1).status_code == 403


def test_it_prints_a_whole_village_in_a_fixed_number_of_queries(client, alice, village_a, a1):
    client.force_login(alice)
    households = [a1] + [open_household(village_a, by=alice, number=f"{n:04d}") for n in range(2, 21)]
    counts = []
    for chosen in (households[:2], households):
        with CaptureQueriesContext(connection) as queries:
            printed = sheets(print_cards(client, *chosen))
        assert sum(len(sheet) for sheet in printed) == len(chosen)
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_it_refuses_more_cards_than_one_print_can_draw(client, alice, a1, a2, monkeypatch):
    monkeypatch.setattr("households.admin.MAX_CARDS_PER_PRINT", 1)
    client.force_login(alice)

    response = print_cards(client, a1, a2, follow=True)

    assert "households/cards.html" not in [t.name for t in response.templates]
    assert "Print at most 1 cards at a time, not 2" in response.content.decode()


def test_it_warns_when_the_cards_would_link_to_this_computer(client, alice, a1):
    client.force_login(alice)

    assert 'id="xf-local-host"' in print_cards(client, a1, HTTP_HOST="127.0.0.1:8000").content.decode()
    assert 'id="xf-local-host"' not in print_cards(client, a1).content.decode()


def test_it_links_to_the_public_address_when_one_is_set(client, alice, a1, settings):
    settings.XIANGFENG_PUBLIC_URL = "https://jifen.example.cn"
    client.force_login(alice)

    response = print_cards(client, a1, HTTP_HOST="127.0.0.1:8000")

    [card] = response.context["sheets"][0]
    assert card.link == f"https://jifen.example.cn/lookup/c/{a1.card_token}/"
    assert card.qr_svg == card_svg(card.link)
    assert 'id="xf-local-host"' not in response.content.decode()


@pytest.mark.skipif(bool(ZBAR_MISSING), reason=ZBAR_MISSING)
def test_it_prints_a_qr_code_that_leads_to_the_household(client, alice, sam, village_a, a1, a2):
    client.force_login(alice)
    response = print_cards(client, a1, a2)
    card = response.context["sheets"][0][0]
    assert card.household == a1
    # The very code the page shows, drawn as a picture and read back by zbar.
    assert card.qr_svg == card_svg(card.link) and str(card.qr_svg) in response.content.decode()
    picture = io.BytesIO()
    card_qr(card.link).save(picture, kind="png", scale=4)
    picture.seek(0)

    [found] = zbar_decode(Image.open(picture))
    link = found.data.decode()

    assert found.type == "QRCODE"
    assert link == card.link == f"http://testserver/lookup/c/{a1.card_token}/"
    path = urlsplit(link).path
    match = resolve(path)
    assert (match.url_name, match.kwargs) == ("lookup_card", {"token": a1.card_token})
    # A villager's phone follows it with no account.
    client.logout()
    lookup = client.get(path)
    assert lookup.status_code == 200
    assert "应美凤" in lookup.content.decode() and "王建国" not in lookup.content.decode()
    # The shop's scanner types the same text into the counter's search.
    shop = ShopFactory(village=village_a, name="农丰兑换超市")
    shop.shopkeepers.add(sam)
    client.force_login(sam)
    assert counter_search(client, shop, link).url == reverse("counter:household", args=[shop.pk, a1.pk])


def test_it_asks_before_issuing_new_cards(client, alice, a1, a2):
    client.force_login(alice)
    tokens = {a1.card_token, a2.card_token}

    response = reissue(client, a1, a2, confirm=False)

    assert response.status_code == 200
    page = response.content.decode()
    assert "stop working" in page and "应美凤" in page and "王建国" in page
    assert set(Household.objects.values_list("card_token", flat=True)) == tokens


def test_it_issues_new_cards_and_the_old_ones_stop_working(client, alice, sam, village_a, a1, a2):
    old_link = f"http://testserver/lookup/c/{a1.card_token}/"
    old_token, other_token = a1.card_token, a2.card_token
    client.force_login(alice)

    response = reissue(client, a1)

    assert response.status_code == 302
    a1.refresh_from_db()
    assert a1.card_token != old_token
    assert not Household.objects.filter(card_token=old_token).exists()
    assert Household.objects.get(pk=a2.pk).card_token == other_token
    log = LogEntry.objects.get(object_id=str(a1.pk), action_flag=CHANGE)
    assert (log.user, log.get_change_message()) == (alice, "Changed card code.")
    shop = ShopFactory(village=village_a, name="农丰兑换超市")
    shop.shopkeepers.add(sam)
    client.force_login(sam)
    refused = counter_search(client, shop, old_link)
    assert refused.status_code == 200 and refused.context["results"] == []
    new_link = f"http://testserver/lookup/c/{a1.card_token}/"
    assert counter_search(client, shop, new_link).url == reverse("counter:household", args=[shop.pk, a1.pk])


def test_it_issues_no_card_for_another_village(client, alice, a1, b1):
    client.force_login(alice)
    tokens = {a1.card_token, b1.card_token}

    reissue(client, b1)
    reissue(client, a1, b1)  # b1 drops out of the scope, so the count expected no longer matches

    assert set(Household.objects.values_list("card_token", flat=True)) == tokens
