"""The villagers' lookup pages: by card link and by PIN, what they show, and what they never show."""

import datetime
import re
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.guards import clock
from accounts.models import Guard
from credits.services import entry_adjust, entry_record, entry_reverse
from exchange.services import product_restock, redemption_create, redemption_void
from households.services import household_card_reissue, household_close, household_set_pin
from tests.factories import ProductFactory, RuleFactory, TownFactory, VillageFactory, open_household

pytestmark = pytest.mark.django_db

FORM = reverse("lookup")
ME = reverse("lookup_me")
PIN = "2468"


def card_url(household) -> str:
    return reverse("lookup_card", args=[household.card_token])


def look_up(client, village, number, pin, **extra):
    return client.post(FORM, {"village": village.code, "number": number, "pin": pin}, **extra)


def errors_of(response) -> list[str]:
    form = response.context["form"]
    return [str(error) for errors in form.errors.values() for error in errors]


def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def a1_pin(a1, alice):
    household_set_pin(household=a1, pin=PIN, by=alice)
    return PIN


@pytest.fixture
def shop(shop_a):
    return shop_a


@pytest.fixture
def rice(shop, alice):
    product = ProductFactory(shop=shop, name="大米", price=30)
    product_restock(product=product, quantity=100, by=alice)
    return product


def redeem(household, product, by, quantity=1):
    key = f"k{household.pk}-{product.pk}-{quantity}-{timezone.now().timestamp()}"
    return redemption_create(
        shop=product.shop, household=household, quantities=[(product.pk, quantity)], by=by, idempotency_key=key
    )


# The card link


def test_it_shows_the_record_by_the_card_link(client, a1, award, alice):
    entry_record(household=a1, rule=award, occurred_on=today(), by=alice, note="帮助邻居抢收")

    response = client.get(card_url(a1))

    assert response.status_code == 200
    page = response.content.decode()
    assert "应美凤" in page and "农丰村" in page and "0001" in page
    assert re.search(r'id="lk-balance">102<', page)
    assert "帮助邻居抢收" in page


def test_it_answers_not_found_for_a_card_link_that_never_existed(client, a1):
    assert client.get(reverse("lookup_card", args=["A" * 22])).status_code == 404
    assert client.get(reverse("lookup_card", args=["short"])).status_code == 404


def test_it_revokes_the_old_card_link_when_a_new_card_is_issued(client, a1, alice):
    old_url = card_url(a1)
    assert client.get(old_url).status_code == 200

    household_card_reissue(household=a1, by=alice)

    gone = client.get(old_url)
    assert gone.status_code == 404
    assert "应美凤" not in gone.content.decode()
    assert client.get(card_url(a1)).status_code == 200


def test_it_never_shows_one_household_the_record_of_another(client, a1, b1, alice, award):
    entry_record(household=a1, rule=award, occurred_on=today(), by=alice, note="农丰村的好事")

    page = client.get(card_url(b1)).content.decode()

    assert "李秀英" in page
    for secret in (a1.head_name, a1.card_token, "农丰村", "农丰村的好事"):
        assert secret not in page


def test_it_shows_only_the_granted_household_whatever_the_address_asks(client, a1, a1_pin, b1):
    look_up(client, a1.village, "0001", a1_pin)

    page = client.get(ME, {"household": b1.pk, "id": b1.pk}).content.decode()

    assert "应美凤" in page
    assert "李秀英" not in page


# The PIN


def test_it_opens_the_record_with_the_number_and_the_pin(client, a1, a1_pin):
    response = look_up(client, a1.village, "0001", a1_pin)

    assert response.status_code == 302
    assert response.url == ME
    page = client.get(ME).content.decode()
    assert "应美凤" in page
    assert 'id="lk-leave"' in page


@pytest.mark.parametrize("number", ["1", "01", " 0001 "])
def test_it_finds_the_household_however_its_number_is_padded(client, a1, a1_pin, number):
    assert look_up(client, a1.village, number, a1_pin).url == ME


def test_it_takes_full_width_digits_from_a_chinese_keyboard(client, a1, a1_pin):
    response = look_up(client, a1.village, "０００１", "２４６８")

    assert response.status_code == 302


def test_it_answers_an_unknown_household_one_without_a_pin_and_a_wrong_pin_alike(client, a1, a1_pin, a2):
    unknown = look_up(client, a1.village, "9999", "1357")
    no_pin = look_up(client, a2.village, "0002", "1357")
    wrong = look_up(client, a1.village, "0001", "1357")

    assert unknown.status_code == no_pin.status_code == wrong.status_code == 200
    assert errors_of(unknown) == errors_of(no_pin) == errors_of(wrong)
    assert errors_of(wrong) == [
        "The household number or the PIN is not right. Check them, or ask the village clerk for a PIN."
    ]


@pytest.mark.parametrize(
    ("village", "number", "pin", "message"),
    [
        ("nongfeng", "0001", "12ab", "A PIN is 4 to 6 digits."),
        ("nongfeng", "0001", "123", "A PIN is 4 to 6 digits."),
        ("nongfeng", "0001", "", "Enter the PIN."),
        ("nongfeng", "", "2468", "Enter the household number."),
        ("nongfeng", "   ", "2468", "Enter the household number."),
        ("nowhere", "0001", "2468", "Choose your village from the list."),
        ("", "0001", "2468", "Choose your village."),
    ],
)
def test_it_says_what_is_wrong_with_bad_input_and_counts_nothing(
    client, a1, a1_pin, village_b, village, number, pin, message
):
    response = client.post(FORM, {"village": village, "number": number, "pin": pin})

    assert response.status_code == 200
    assert errors_of(response) == [message]
    assert not Guard.objects.exists()
    assert "lookup" not in client.session


def test_it_survives_a_post_with_nothing_in_it(client, village_a):
    assert client.post(FORM, {}).status_code == 200
    assert client.post(FORM, {"village": ["a", "b"], "number": "x" * 500, "pin": "1" * 500}).status_code == 200


def test_it_locks_the_page_after_five_wrong_pins_and_says_until_when(client, a1, a1_pin):
    for _attempt in range(4):
        assert look_up(client, a1.village, "0001", "1111").status_code == 200

    fifth = look_up(client, a1.village, "0001", "1111")
    sixth = look_up(client, a1.village, "0001", a1_pin)

    assert fifth.status_code == sixth.status_code == 429
    assert 890 < int(sixth["Retry-After"]) <= 900
    (message,) = errors_of(sixth)
    # The time of day, with the date when the lock ends after midnight (as it does from 23:45 on:
    # the test once failed there, expecting the time alone).
    until = Guard.objects.get(locked_until__isnull=False).locked_until
    assert message == f"Too many wrong attempts. Lookup by PIN is locked until {clock(until)}; please try again then."
    assert "lookup" not in client.session


def test_it_preselects_the_village_named_in_the_link(client, village_a, village_b):
    page = client.get(FORM, {"village": "yongfeng"}).content.decode()

    assert re.search(r'<option value="yongfeng" selected>', page)
    assert not re.search(r'<option value="nongfeng" selected>', page)


def test_it_groups_the_villages_by_town(client, village_a, village_b):
    other = VillageFactory(code="dongshan", name="东山村", town=TownFactory(name="通元镇"))

    page = client.get(FORM).content.decode()

    assert '<optgroup label="百步镇">' in page and '<optgroup label="通元镇">' in page
    assert page.index("通元镇") < page.index(other.name)


def test_it_preselects_the_only_village(client, village_a):
    page = client.get(FORM).content.decode()

    assert re.search(r'<option value="nongfeng" selected>', page)


def test_it_leaves_the_record_and_the_back_button_brings_nothing_back(client, a1, a1_pin):
    look_up(client, a1.village, "0001", a1_pin)
    record = client.get(ME)

    left = client.post(ME, {"leave": "1"})

    assert left.status_code == 302
    assert left.url == f"{FORM}?village=nongfeng"
    assert "no-store" in record["Cache-Control"] and "private" in record["Cache-Control"]
    again = client.get(ME)
    assert again.status_code == 302 and again.url == FORM


def test_it_ends_the_grant_after_thirty_minutes(client, a1, a1_pin):
    look_up(client, a1.village, "0001", a1_pin)
    later = timezone.now() + datetime.timedelta(minutes=31)

    with mock.patch("django.utils.timezone.now", return_value=later):
        response = client.get(ME)

    assert response.status_code == 302
    assert response.url == FORM
    assert "The lookup has ended" in client.get(FORM).content.decode()


def test_it_ends_the_grant_when_the_clerk_resets_the_pin(client, a1, a1_pin, alice):
    look_up(client, a1.village, "0001", a1_pin)

    household_set_pin(household=a1, pin="9753", by=alice)

    assert client.get(ME).status_code == 302


def test_it_refuses_the_pin_form_and_the_leave_button_without_the_csrf_token(a1, a1_pin):
    client = Client(enforce_csrf_checks=True)

    assert look_up(client, a1.village, "0001", a1_pin).status_code == 403
    assert client.post(ME).status_code == 403


def test_it_tells_caches_to_keep_nothing(client, a1):
    for response in (client.get(FORM), client.get(card_url(a1))):
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]
    assert client.get(card_url(a1))["X-Robots-Tag"] == "noindex, nofollow"


# What the record shows


def test_it_shows_the_standing_and_this_years_points_by_domain(client, a1, a2, alice, award, deduction):
    entry_record(household=a1, rule=award, occurred_on=today(), by=alice)
    entry_record(household=a2, rule=deduction, occurred_on=today(), by=alice)
    entry_adjust(household=a1, points=3, reason="补录", by=alice)

    response = client.get(card_url(a1))

    context = response.context
    assert (context["standing"].rank, context["standing"].year_rank, context["standing"].households) == (1, 1, 2)
    assert context["by_domain"] == [(award.domain.name, 2), ("Adjustments", 3)]
    page = response.content.decode()
    assert re.search(r'id="lk-rank">1<', page)
    assert re.search(r'id="lk-score">105<', page)


def test_it_draws_the_star_level(client, a1, alice):
    entry_adjust(household=a1, points=25, reason="补录", by=alice)  # 125: two stars of the default five

    page = client.get(card_url(a1)).content.decode()

    assert re.search(r'id="lk-stars"[^>]*>★★☆☆☆<', page)


def test_it_shows_a_closed_household_with_a_note_and_no_rank(client, a1, alice):
    household_close(household=a1, by=alice)

    response = client.get(card_url(a1))

    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="lk-closed"' in page
    assert response.context["standing"] is None
    assert 'id="lk-rank"' not in page


def test_it_pages_the_statement_twenty_at_a_time_newest_first(client, a1, alice, award):
    for n in range(45):
        entry_record(household=a1, rule=award, occurred_on=today(), by=alice, note=f"第{n}次")

    first = client.get(card_url(a1))
    last = client.get(card_url(a1), {"page": 3})

    notes = [row["entry"].note for row in first.context["entries"]]
    assert len(notes) == 20
    assert notes[0] == "第44次" and notes[-1] == "第25次"
    assert [row["entry"].kind for row in last.context["entries"]][-1] == "opening"
    assert len(last.context["entries"]) == 6
    assert 'href="?page=2"' in first.content.decode()
    assert client.get(card_url(a1), {"page": "abc"}).context["page"].number == 1
    assert client.get(card_url(a1), {"page": 99}).context["page"].number == 3


def test_it_marks_reversals_and_what_they_undid(client, a1, alice, award):
    entry = entry_record(household=a1, rule=award, occurred_on=today(), by=alice)
    entry_reverse(entry=entry, reason="记错了户", by=alice)

    rows = client.get(card_url(a1)).context["entries"]

    assert [(row["entry"].kind, row["reversed"]) for row in rows] == [
        ("reversal", False),
        ("award", True),
        ("opening", False),
    ]


def test_it_shows_the_redemptions_with_their_goods(client, a1, alice, sam, rice):
    redeem(a1, rice, sam, quantity=2)
    voided = redeem(a1, rice, sam)
    redemption_void(redemption=voided, reason="拿错了", by=alice)

    page = client.get(card_url(a1), {"show": "redemptions"}).content.decode()

    assert page.count("大米 × 2") == 1 and page.count("大米 × 1") == 1
    assert page.count('<span class="tag void">voided</span>') == 1
    assert voided.number in page
    statement = client.get(card_url(a1)).content.decode()
    assert "redemption" in statement and "reversal" in statement


def test_it_links_to_all_redemptions_when_there_are_more_than_three(client, a1, alice, sam, rice):
    entry_adjust(household=a1, points=100, reason="补录", by=alice)
    for quantity in (1, 1, 2, 2):
        redeem(a1, rice, sam, quantity=quantity)

    response = client.get(card_url(a1))

    assert len(response.context["redemptions"]) == 3
    assert 'id="lk-more-redemptions"' in response.content.decode()


def test_it_never_shows_the_phone_address_pin_card_code_or_clerk(client, a1, a1_pin, alice, award, sam, rice):
    a1.address = "百步镇农丰村南横头12号"
    a1.save(update_fields=["address"])
    entry_record(household=a1, rule=award, occurred_on=today(), by=alice)
    redeem(a1, rice, sam)
    a1.refresh_from_db()
    look_up(client, a1.village, "0001", a1_pin)

    by_pin = client.get(ME).content.decode() + client.get(ME, {"show": "redemptions"}).content.decode()
    by_card = client.get(card_url(a1)).content.decode()

    for page in (by_pin, by_card):
        for secret in ("13812341234", "138****1234", "1234", a1.address, "南横头", a1.pin_hash, "alice", "sam"):
            assert secret not in page
    assert a1.card_token not in by_pin


def test_it_runs_a_fixed_number_of_queries_however_long_the_ledger(client, village_a, alice, sam, rice):
    short = open_household(village_a, by=alice, number="0101")
    long = open_household(village_a, by=alice, number="0102")
    rule = RuleFactory(points=1)
    for household, count in ((short, 3), (long, 60)):
        for _n in range(count):
            entry_record(household=household, rule=rule, occurred_on=today(), by=alice)
        redeem(household, rice, sam)

    counts = []
    for household in (short, long):
        household_set_pin(household=household, pin=PIN, by=alice)
        look_up(client, village_a, household.number, PIN)
        for url, params in [
            (card_url(household), {}),
            (card_url(household), {"show": "redemptions"}),
            (ME, {"page": 2}),
        ]:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url, params).status_code == 200
            counts.append(len(queries))

    assert counts[:3] == counts[3:]
