"""The lookup's one write: counting PIN attempts in the database, against guessing.

A villager opens their household's record with its number and a PIN of 4 to 6 digits, so a
stranger could try to guess. Each attempt first *claims* a place on two counters in `LookupGuard`:
one for the household typed ("household:<village id>:<number>") and one for the address it came
from ("address:<ip>"), each by a conditional `UPDATE ... SET failures = failures + 1 WHERE failures
< limit`. However many gunicorn workers race, no more than `limit` attempts per window get to check
a PIN. A right PIN gives its claims back (the household's counter starts again; the address gets
its one back); a wrong one keeps them, and the failure that reaches a limit locks that key until
the window's length has passed again. The household key is the number as typed, not the
household's id, so a number that does not exist counts and locks exactly like one that does.
Counters whose window has run out mean nothing; `lookup_guards_purge` (run by
`manage.py purge_lookup_guards`, e.g. nightly from cron) deletes them.
"""

import ipaddress
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db.models import F, Max, Q
from django.utils import timezone

from households.models import Household, Village, number_key
from public.errors import LookupLocked, LookupRefused
from public.models import LookupGuard


def lookup_by_pin(*, village: Village, number: str, pin: str, address: str, now: datetime | None = None) -> Household:
    """The household whose number and PIN these are, or `LookupRefused` / `LookupLocked`.

    An unknown number, a household without a PIN and a wrong PIN are refused alike, and all count
    as failures. While either counter is locked even the right PIN is refused, unchecked.
    """
    now = now or timezone.now()
    number = number.strip()
    household_guard, address_guard = household_key(village.pk, number), address_key(address)
    guards = [
        (household_guard, settings.XIANGFENG_LOOKUP_MAX_FAILURES),
        (address_guard, settings.XIANGFENG_LOOKUP_ADDRESS_MAX_FAILURES),
    ]
    until = _locked_until([household_guard, address_guard], now)
    if until:
        raise LookupLocked(until=until)
    claimed = []
    for key, limit in guards:
        if not _claim(key, limit=limit, now=now):
            # Others got here first and spent the last attempts: this one is not tried.
            for earlier in claimed:
                _give_back(earlier)
            raise LookupLocked(until=_lock(key, now=now))
        claimed.append(key)

    households = Household.objects.select_related("village")
    household = households.filter(village=village, number_key=number_key(number)).first()
    if _pin_matches(household, pin):
        LookupGuard.objects.filter(key=household_guard).update(failures=0, locked_until=None)
        _give_back(address_guard)
        return household
    locks = [_lock(key, now=now) for key, limit in guards if _spent(key, limit=limit)]
    if locks:
        raise LookupLocked(until=max(locks))
    raise LookupRefused()


def lookup_guards_purge(*, now: datetime | None = None) -> int:
    """Delete the counters that no longer hold anything back: window over, no lock running.

    What it deletes is what `_claim` would reset anyway, so a purge never lets a guess through.
    """
    now = now or timezone.now()
    stale = LookupGuard.objects.filter(window_started__lte=now - _window()).filter(
        Q(locked_until__isnull=True) | Q(locked_until__lte=now)
    )
    deleted, _by_model = stale.delete()
    return deleted


def household_key(village_id: int, number: str) -> str:
    # By the number's key: 4 and 0004 are one household, and share its count of failures.
    return f"household:{village_id}:{number_key(number)}"


def address_key(address: str) -> str:
    """One key per IPv4 address; per /64 for IPv6, since one phone line is given a whole /64."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return f"address:{address.strip()[:60]}"
    if ip.version == 6:
        if ip.ipv4_mapped:
            return f"address:{ip.ipv4_mapped}"
        return f"address:{ipaddress.ip_network(f'{ip}/64', strict=False)}"
    return f"address:{ip}"


def _window() -> timedelta:
    return timedelta(minutes=settings.XIANGFENG_LOOKUP_LOCK_MINUTES)


def _locked_until(keys: list[str], now: datetime) -> datetime | None:
    locks = LookupGuard.objects.filter(key__in=keys, locked_until__gt=now)
    return locks.aggregate(until=Max("locked_until"))["until"]


def _claim(key: str, *, limit: int, now: datetime) -> bool:
    """Count one attempt against `key`; False, counting nothing, if its attempts are spent."""
    # Twice at most: a purge may delete a stale counter between its creation and the count.
    for _try in range(2):
        LookupGuard.objects.get_or_create(key=key, defaults={"window_started": now})
        guard = LookupGuard.objects.filter(key=key).exclude(locked_until__gt=now)
        # A window that has run out, with no lock running, starts again from nothing. Racing
        # attempts cannot both reset: the second finds the window just started.
        guard.filter(window_started__lte=now - _window()).update(failures=0, window_started=now, locked_until=None)
        if guard.filter(failures__lt=limit).update(failures=F("failures") + 1):
            return True
        if LookupGuard.objects.filter(key=key).exists():
            return False
    return False


def _give_back(key: str) -> None:
    LookupGuard.objects.filter(key=key, failures__gt=0).update(failures=F("failures") - 1)


def _spent(key: str, *, limit: int) -> bool:
    return LookupGuard.objects.filter(key=key, failures__gte=limit).exists()


def _lock(key: str, *, now: datetime) -> datetime:
    """Lock `key` for a window from now, unless it is locked already; when the lock ends."""
    LookupGuard.objects.filter(key=key).exclude(locked_until__gt=now).update(locked_until=now + _window())
    return LookupGuard.objects.filter(key=key).values_list("locked_until", flat=True).get()


def _pin_matches(household: Household | None, pin: str) -> bool:
    if household is None or not household.pin_hash:
        # Spend the time a real check takes, so that how long the answer takes tells nothing either.
        make_password(pin)
        return False
    return check_password(pin, household.pin_hash)
