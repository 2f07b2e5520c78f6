"""The guards' counters: exact limits, growing locks, the ceiling's pass for clean addresses, the purge."""

import datetime
import io
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts import guards
from accounts.guards import Limit, Locked, Refused, address_key, attempt, guards_purge
from accounts.models import Guard

WINDOW = datetime.timedelta(minutes=15)
MINUTE = datetime.timedelta(minutes=1)


def limits(address="10.0.0.1"):
    return {
        "address": Limit(f"t@{address}", 20, WINDOW, reset_on_success=False),
        "limits": [Limit("t:target", 5, WINDOW, ceiling=True)],
    }


def try_(right=False, *, address="10.0.0.1", now=None):
    """One attempt; True when let in, else the refusal's class."""
    try:
        return attempt(lambda: right, now=now, **limits(address))
    except (Locked, Refused) as refusal:
        return type(refusal)


def guard(key="t:target") -> Guard:
    return Guard.objects.get(key=key)


@pytest.mark.django_db
class TestLimits:
    def test_it_says_how_many_attempts_remain_and_locks_on_the_last(self):
        remaining = []
        for _n in range(4):
            with pytest.raises(Refused) as refused:
                attempt(lambda: False, **limits())
            remaining.append(refused.value.remaining)
        with pytest.raises(Locked) as locked:
            attempt(lambda: False, **limits())

        assert remaining == [4, 3, 2, 1]
        assert locked.value.counted is True

    def test_it_does_not_check_or_count_a_locked_attempt(self):
        for _n in range(5):
            try_()
        checks = []

        with pytest.raises(Locked) as locked:
            attempt(lambda: checks.append(1), **limits())

        assert checks == []
        assert locked.value.counted is False
        assert guard().failures == 5

    def test_it_makes_each_lock_in_a_row_twice_as_long(self):
        start = timezone.now()
        for _n in range(5):
            try_(now=start)
        first = guard().locked_until
        later = first + MINUTE
        for _n in range(5):
            try_(now=later, address="10.0.0.2")

        assert first == start + WINDOW
        assert guard().locked_until == later + 2 * WINDOW

    def test_it_forgets_the_strikes_after_a_quiet_day(self):
        start = timezone.now()
        for _n in range(5):
            try_(now=start)
        later = start + datetime.timedelta(days=2)
        for _n in range(5):
            try_(now=later)

        assert guard().locked_until == later + WINDOW


@pytest.mark.django_db
class TestCeiling:
    def test_it_lets_an_address_that_has_not_failed_try_and_lifts_the_lock_when_it_is_right(self):
        for _n in range(5):
            try_(address="6.6.6.6")

        assert try_(True, address="6.6.6.6") is Locked
        assert try_(True, address="10.0.0.1") is True
        assert guard().failures == 0
        assert guard().locked_until is None

    def test_it_lets_clean_addresses_through_one_at_a_time_each_wait_twice_as_long(self):
        start = timezone.now()
        for _n in range(5):
            try_(now=start, address="6.6.6.6")

        assert try_(now=start, address="10.0.0.1") is Locked  # the pass, wrong: next in 2 minutes
        assert try_(True, now=start, address="10.0.0.2") is Locked
        assert try_(now=start + 2 * MINUTE, address="10.0.0.3") is Locked  # wrong: next in 4 minutes
        assert try_(True, now=start + 5 * MINUTE, address="10.0.0.4") is Locked
        assert try_(True, now=start + 6 * MINUTE, address="10.0.0.4") is True

    def test_it_checks_few_guesses_a_day_from_a_fresh_address_every_three_minutes(self):
        start = timezone.now()
        checked = []

        def wrong():
            checked.append(1)
            return False

        for minute in range(0, 24 * 60, 3):
            address = f"10.{minute // 250}.{minute % 250}.1"
            try:
                attempt(wrong, now=start + minute * MINUTE, **limits(address))
            except (Locked, Refused):
                pass

        assert len(checked) <= 25


@pytest.mark.django_db
class TestPurge:
    def test_it_deletes_only_counters_long_over_with_no_recent_lock(self):
        start = timezone.now()
        try_(now=start - datetime.timedelta(days=8), address="10.0.0.2")
        for _n in range(5):
            try_(now=start - datetime.timedelta(hours=12), address="10.0.0.3")

        purged = guards_purge(now=start)

        # The target counted again half a day ago and was locked: it stays, with the address that did it.
        assert purged == 1
        assert set(Guard.objects.values_list("key", flat=True)) == {"t:target", "t@10.0.0.3"}

    def test_it_is_run_by_a_management_command(self):
        try_(now=timezone.now() - datetime.timedelta(days=8))
        out = io.StringIO()

        call_command("purge_guards", stdout=out)

        assert out.getvalue() == "Deleted 2 spent attempt counters.\n"
        assert not Guard.objects.exists()

    def test_it_counts_afresh_when_the_counter_was_purged_before_the_count(self):
        start = timezone.now() - datetime.timedelta(days=8)
        try_(now=start)
        later = timezone.now()
        real_get_or_create = Guard.objects.get_or_create
        purged = []

        def get_or_create_then_purge(**kwargs):
            found = real_get_or_create(**kwargs)
            if not purged:
                purged.append(guards_purge(now=later))
            return found

        with mock.patch.object(Guard.objects, "get_or_create", side_effect=get_or_create_then_purge):
            assert try_(now=later) is Refused

        assert purged == [2]
        assert guard().failures == 1


def test_it_counts_a_whole_ipv6_slash_64_as_one_address():
    assert address_key("2001:db8:1:2::1") == address_key("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert address_key("2001:db8:1:3::1") != address_key("2001:db8:1:2::1")
    assert address_key("::ffff:10.0.0.1") == address_key("10.0.0.1") == "10.0.0.1"


def test_it_says_until_when_as_a_time_today_and_with_the_date_after_today():
    now = timezone.localtime()
    assert guards.clock(now) == now.strftime("%H:%M")
    assert guards.clock(now + datetime.timedelta(days=1)) != (now + datetime.timedelta(days=1)).strftime("%H:%M")
