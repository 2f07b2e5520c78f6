"""Exact limits on guessing, shared by the login (passwords) and the villagers' lookup (PINs).

Each attempt names its limits: a strict limit per address (whatever it tries), strict limits per
target (an account on that address), and at most one *ceiling* per target across addresses (an
account, a household). Before the password or PIN is checked, the attempt claims a place on each
counter with a conditional `UPDATE ... SET failures = failures + 1 WHERE failures < limit`: however
many workers race, no more than `limit` attempts per window get checked. A success gives the
places back; a failure keeps them, and the failure that spends a limit locks its key. Each lock in
a row lasts twice as long as the one before (up to a day), so patient guessing gains little.

A spent ceiling is no lockout for the owner: an address that has not been failing may still try,
one attempt at a time, and a right answer lifts the ceiling's lock. Each wrong try through it
doubles the wait before the next one, so many addresses cannot guess quickly either.
"""

import ipaddress
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from django.db.models import F, Q
from django.utils import formats, timezone

from accounts.models import Guard

T = TypeVar("T")

LONGEST_LOCK = timedelta(days=1)
# After a day without a lock, a key's strikes are forgotten and its locks start short again.
QUIET = timedelta(days=1)
# The first wait between tries from clean addresses once a ceiling is spent; it doubles each time.
FIRST_PASS_WAIT = timedelta(minutes=1)


@dataclass(frozen=True)
class Limit:
    key: str
    failures: int
    window: timedelta
    # An address gives back only its one attempt on success (it may go on to try other accounts);
    # an account or a household forgets its failures when its owner gets in.
    reset_on_success: bool = True
    ceiling: bool = False


class Locked(Exception):
    """Refused until `until`; `counted` says whether this attempt was checked and counted as a failure."""

    def __init__(self, *, until: datetime, counted: bool):
        super().__init__(until)
        self.until, self.counted = until, counted

    def clock(self) -> str:
        return clock(self.until)

    def retry_after(self) -> str:
        """Seconds to wait, for a `Retry-After` header."""
        return str(max(1, int((self.until - timezone.now()).total_seconds())))


class Refused(Exception):
    """Checked and wrong; `remaining` attempts before a lock."""

    def __init__(self, *, remaining: int):
        super().__init__(remaining)
        self.remaining = remaining


def attempt(
    check: Callable[[], T | None], *, address: Limit, limits: Sequence[Limit], now: datetime | None = None
) -> T:
    """Run `check` once if every limit allows it; its result, or `Refused` (a falsy result) or `Locked`."""
    now = now or timezone.now()
    # Ceilings last: a pass through one is spent only once everything else has let the attempt in.
    ordered = [address, *sorted(limits, key=lambda limit: limit.ceiling)]
    claimed: list[Limit] = []
    passing: Limit | None = None
    for limit in ordered:
        if _claim(limit, now):
            claimed.append(limit)
            continue
        clean = limit.ceiling and _clean(address)
        if clean and _claim_pass(limit, now):
            passing = limit
            continue
        for earlier in claimed:
            _give_back(earlier)
        until = _lock(limit, now)
        if clean:
            # The owner, from a clean address, may come back when the next try is due.
            until = min(until, _next_pass(limit) or until)
        raise Locked(until=until, counted=False)

    result = check()
    if result:
        for limit in [*claimed, *([passing] if passing else [])]:
            if limit.reset_on_success:
                Guard.objects.filter(key=limit.key).update(failures=0, locked_until=None, strikes=0, next_pass=None)
            else:
                _give_back(limit)
        return result
    locks = [_lock(limit, now) for limit in claimed if _remaining(limit) == 0]
    if passing:
        # The ceiling stays locked, and the next try from a clean address waits twice as long.
        Guard.objects.filter(key=passing.key).update(strikes=F("strikes") + 1)
        locks.append(_lock(passing, now))
    if locks:
        raise Locked(until=max(locks), counted=True)
    raise Refused(remaining=min(_remaining(limit) for limit in claimed))


def address_key(address: str) -> str:
    """One key per IPv4 address; per /64 for IPv6, since one phone line is given a whole /64."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return address.strip()[:60]
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def clock(moment: datetime) -> str:
    """When a lock ends, in the site's time zone: the time of day, with the date if not today."""
    local = timezone.localtime(moment)
    if local.date() == timezone.localdate():
        return local.strftime("%H:%M")
    return formats.date_format(local, "SHORT_DATETIME_FORMAT")


def guards_purge(*, now: datetime | None = None, older_than: timedelta = timedelta(days=7)) -> int:
    """Delete the counters that hold nothing back any more: longer ago than any window, no recent lock.

    What it deletes is what `_claim` would reset anyway, so a purge never lets a guess through.
    """
    now = now or timezone.now()
    stale = Guard.objects.filter(window_started__lte=now - older_than).filter(
        Q(locked_until__isnull=True) | Q(locked_until__lte=now - QUIET)
    )
    deleted, _by_model = stale.delete()
    return deleted


def _clean(address: Limit) -> bool:
    """Whether the address has not been failing: the one attempt its window counts is this one.

    Read after the address's claim and the ceiling's refusal, so that attempts racing from the
    same address, which claimed the address before they spent the ceiling, are counted in it.
    """
    return Guard.objects.filter(key=address.key, failures=1).exists()


def _claim(limit: Limit, now: datetime) -> bool:
    """Count one attempt against the limit; False, counting nothing, if its attempts are spent."""
    # Twice at most: a purge may delete a stale counter between its creation and the count.
    for _try in range(2):
        Guard.objects.get_or_create(key=limit.key, defaults={"window_started": now})
        guard = Guard.objects.filter(key=limit.key)
        guard.filter(locked_until__lte=now - QUIET).update(strikes=0, locked_until=None, next_pass=None)
        # A window that has run out, with no lock running, starts again from nothing. Racing
        # attempts cannot both reset: the second finds the window just started.
        unlocked = guard.exclude(locked_until__gt=now)
        unlocked.filter(window_started__lte=now - limit.window).update(failures=0, window_started=now)
        if unlocked.filter(failures__lt=limit.failures).update(failures=F("failures") + 1):
            return True
        if guard.exists():
            return False
    return False


def _claim_pass(limit: Limit, now: datetime) -> bool:
    """Take the one try a spent ceiling allows a clean address now, and set when the next may come."""
    strikes = Guard.objects.filter(key=limit.key).values_list("strikes", flat=True).first() or 0
    wait = min(FIRST_PASS_WAIT * 2 ** min(strikes, 20), LONGEST_LOCK)
    due = Guard.objects.filter(key=limit.key).filter(Q(next_pass__isnull=True) | Q(next_pass__lte=now))
    return bool(due.update(next_pass=now + wait))


def _give_back(limit: Limit) -> None:
    Guard.objects.filter(key=limit.key, failures__gt=0).update(failures=F("failures") - 1)


def _remaining(limit: Limit) -> int:
    failures = Guard.objects.filter(key=limit.key).values_list("failures", flat=True).first() or 0
    return max(limit.failures - failures, 0)


def _lock(limit: Limit, now: datetime) -> datetime:
    """Lock the key unless it is locked already, each lock in a row twice as long; when its lock ends."""
    guard = Guard.objects.filter(key=limit.key)
    strikes = guard.values_list("strikes", flat=True).get()
    length = min(limit.window * 2 ** min(strikes, 20), max(limit.window, LONGEST_LOCK))
    # Racing lockers cannot both lock: the second finds the strikes moved on or the lock running.
    guard.filter(strikes=strikes).exclude(locked_until__gt=now).update(locked_until=now + length, strikes=strikes + 1)
    return guard.values_list("locked_until", flat=True).get()


def _next_pass(limit: Limit) -> datetime | None:
    return Guard.objects.filter(key=limit.key).values_list("next_pass", flat=True).first()
