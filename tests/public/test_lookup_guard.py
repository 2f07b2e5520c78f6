"""The lookup's guard against guessing PINs: per household and per address, and no lasting lockout."""

import datetime
from unittest import mock

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import Guard
from households.services import household_set_pin
from public import services
from public.errors import LookupLocked, LookupRefused
from public.services import household_key, lookup_by_pin
from tests.threads import run_together

PIN = "2468"
WRONG = "1111"
HOME = "10.0.0.1"


@pytest.fixture
def a1_pin(a1, alice):
    household_set_pin(household=a1, pin=PIN, by=alice)
    return PIN


def attempt(household_or_village, number=None, pin=PIN, *, address=HOME, now=None):
    """One lookup; the household it opened, or the refusal's class."""
    village = getattr(household_or_village, "village", household_or_village)
    number = number if number is not None else household_or_village.number
    try:
        return lookup_by_pin(village=village, number=number, pin=pin, address=address, now=now)
    except (LookupRefused, LookupLocked) as refusal:
        return type(refusal)


def guard_of(key: str) -> Guard:
    return Guard.objects.get(key=key)


@pytest.mark.django_db
class TestHouseholdLimit:
    def test_it_opens_the_household_with_the_right_pin(self, a1, a1_pin):
        assert attempt(a1) == a1

    def test_it_locks_the_failing_address_after_five_wrong_pins_even_for_the_right_one(self, a1, a1_pin):
        results = [attempt(a1, pin=WRONG) for _n in range(5)]

        assert results == [LookupRefused] * 4 + [LookupLocked]
        assert attempt(a1) is LookupLocked

    def test_it_still_opens_to_the_right_pin_from_an_address_that_has_not_been_failing(self, a1, a1_pin):
        for _n in range(5):
            attempt(a1, pin=WRONG, address="6.6.6.6")

        assert attempt(a1, address="10.9.9.9") == a1
        # The villager's right PIN lifted the household's lock.
        assert guard_of(household_key(a1.village_id, a1.number)).locked_until is None

    def test_it_counts_one_households_failures_together_however_its_number_is_padded(self, a1, a1_pin):
        results = [attempt(a1, number, pin=WRONG) for number in ["1", "01", "001", "0001", "１"]]

        assert results == [LookupRefused] * 4 + [LookupLocked]
        assert attempt(a1) is LookupLocked

    def test_it_says_until_when_it_is_locked(self, a1, a1_pin):
        # At noon today, so the lock ends today and the message gives the time alone (from 23:45 on,
        # a lock ends after midnight and the message gives the date too).
        now = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(12)))
        for _n in range(5):
            attempt(a1, pin=WRONG, now=now)

        with pytest.raises(LookupLocked) as locked:
            lookup_by_pin(village=a1.village, number=a1.number, pin=PIN, address=HOME, now=now)

        assert locked.value.until == now + datetime.timedelta(minutes=15)
        clock = timezone.localtime(locked.value.until).strftime("%H:%M")
        assert locked.value.message == (
            f"Too many wrong attempts. Lookup by PIN is locked until {clock}; please try again then."
        )

    def test_it_unlocks_after_fifteen_minutes(self, a1, a1_pin):
        start = timezone.now()
        for _n in range(5):
            attempt(a1, pin=WRONG, now=start)

        assert attempt(a1, now=start + datetime.timedelta(minutes=14, seconds=59)) is LookupLocked
        assert attempt(a1, now=start + datetime.timedelta(minutes=15, seconds=1)) == a1

    def test_it_locks_twice_as_long_when_the_guessing_goes_on(self, a1, a1_pin):
        start = timezone.now()
        for _n in range(5):
            attempt(a1, pin=WRONG, now=start)
        again = start + datetime.timedelta(minutes=16)
        for _n in range(4):
            attempt(a1, pin=WRONG, now=again)

        with pytest.raises(LookupLocked) as locked:
            lookup_by_pin(village=a1.village, number=a1.number, pin=WRONG, address=HOME, now=again)

        assert locked.value.until == again + datetime.timedelta(minutes=30)

    def test_it_starts_counting_again_after_a_right_pin(self, a1, a1_pin):
        for _n in range(4):
            attempt(a1, pin=WRONG)

        assert attempt(a1) == a1
        assert [attempt(a1, pin=WRONG) for _n in range(4)] == [LookupRefused] * 4
        assert attempt(a1) == a1

    def test_it_forgets_failures_older_than_the_window(self, a1, a1_pin):
        start = timezone.now()
        for _n in range(4):
            attempt(a1, pin=WRONG, now=start)

        later = start + datetime.timedelta(minutes=16)
        assert [attempt(a1, pin=WRONG, now=later) for _n in range(4)] == [LookupRefused] * 4
        assert attempt(a1, now=later) == a1

    def test_it_counts_and_locks_an_unknown_number_exactly_like_a_real_one(self, a1, a1_pin, a2):
        for number in ("9999", a2.number):  # no such household; a household without a PIN
            results = [attempt(a1.village, number, pin=WRONG) for _n in range(6)]
            assert results == [LookupRefused] * 4 + [LookupLocked] * 2
            assert guard_of(household_key(a1.village_id, number)).failures == 5

    def test_it_keeps_each_households_counter_apart(self, a1, a1_pin, b1, bob):
        household_set_pin(household=b1, pin=PIN, by=bob)
        for _n in range(5):
            attempt(a1, pin=WRONG)

        assert attempt(b1, address="10.9.9.9") == b1  # same number 0001, another village


@pytest.mark.django_db
class TestAddressLimit:
    def test_it_locks_an_address_after_twenty_failures_whichever_households_it_tries(self, a1, a1_pin):
        numbers = [f"X{n:03d}" for n in range(20)]
        results = [attempt(a1.village, number, pin=WRONG) for number in numbers]

        assert results == [LookupRefused] * 19 + [LookupLocked]
        assert attempt(a1) is LookupLocked
        assert attempt(a1, address="10.0.0.2") == a1

    def test_it_does_not_count_right_pins_against_the_address(self, a1, a1_pin):
        assert all(attempt(a1) == a1 for _n in range(25))
        assert guard_of(f"lookup@{HOME}").failures == 0

    def test_it_counts_the_remote_address_and_ignores_a_forwarded_header_by_default(self, client, a1, a1_pin):
        post = {"village": a1.village.code, "number": "0001", "pin": WRONG}

        client.post(reverse("lookup"), post, HTTP_X_FORWARDED_FOR="1.2.3.4", REMOTE_ADDR="10.0.0.7")

        assert guard_of("lookup@10.0.0.7").failures == 1
        assert not Guard.objects.filter(key="lookup@1.2.3.4").exists()

    @override_settings(XIANGFENG_TRUST_X_FORWARDED_FOR=True)
    def test_it_counts_the_address_our_proxy_saw_when_told_to_trust_it(self, client, a1, a1_pin):
        post = {"village": a1.village.code, "number": "0001", "pin": WRONG}

        client.post(reverse("lookup"), post, HTTP_X_FORWARDED_FOR="6.6.6.6, 1.2.3.4", REMOTE_ADDR="127.0.0.1")

        assert guard_of("lookup@1.2.3.4").failures == 1
        assert not Guard.objects.filter(key__in=["lookup@6.6.6.6", "lookup@127.0.0.1"]).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
class TestAcrossConnections:
    """Each thread is a gunicorn worker of its own: only the database is shared between them."""

    def test_it_adds_up_failures_from_two_connections(self, a1, a1_pin):
        def two_wrong(address):
            return lambda: [attempt(a1, pin=WRONG, address=address) for _n in range(2)]

        results, errors = run_together(two_wrong("10.0.0.1"), two_wrong("10.0.0.2"))
        assert errors == [None, None]

        assert results == [[LookupRefused] * 2] * 2
        assert guard_of(household_key(a1.village_id, "0001")).failures == 4
        assert attempt(a1, pin=WRONG, address="10.0.0.3") is LookupLocked
        assert attempt(a1, address="10.0.0.1") is LookupLocked

    def test_it_checks_no_more_than_five_pins_from_one_address_however_many_race(self, a1, a1_pin):
        checked = []

        def check_password(*args, **kwargs):
            checked.append(args[0])
            return original(*args, **kwargs)

        original = services.check_password
        with mock.patch.object(services, "check_password", check_password):
            results, errors = run_together(*[lambda: attempt(a1, pin=WRONG)] * 20)
            assert errors == [None] * 20

        assert checked == [WRONG] * 5
        assert results.count(LookupRefused) <= 4
        assert guard_of(household_key(a1.village_id, "0001")).failures == 5
