"""The lookup's check of a household's number and PIN, held back against guessing.

A villager opens their household's record with its number and a PIN of 4 to 6 digits, so a
stranger could try to guess. Each attempt goes through the accounts app's guards
(accounts/guards.py), claimed in the database before the PIN is checked: a strict limit per
address (20 failures in 15 minutes, whichever households it tries) and a ceiling per household
number (5 failures in 15 minutes, each lock in a row twice as long). A household whose ceiling is
spent still opens to the right PIN from an address that has not been failing, one try at a time
with growing waits between them, so whoever knows the number cannot keep the villager out, and
many addresses together still cannot guess quickly. The household key is the number's key (4 and
0004 are one), not the household's id, so a number that does not exist counts and locks exactly
like one that does.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password

from accounts.guards import Limit, Locked, Refused, address_key, attempt
from households.models import Household, Village, number_key
from public.errors import LookupLocked, LookupRefused


def lookup_by_pin(*, village: Village, number: str, pin: str, address: str, now: datetime | None = None) -> Household:
    """The household whose number and PIN these are, or `LookupRefused` / `LookupLocked`.

    An unknown number, a household without a PIN and a wrong PIN are refused alike, and all count
    as failures. While a limit is locked even the right PIN is refused, unchecked.
    """
    number = number.strip()
    window = timedelta(minutes=settings.XIANGFENG_LOOKUP_LOCK_MINUTES)
    household = Limit(household_key(village.pk, number), settings.XIANGFENG_LOOKUP_MAX_FAILURES, window, ceiling=True)
    by_address = Limit(
        f"lookup@{address_key(address)}",
        settings.XIANGFENG_LOOKUP_ADDRESS_MAX_FAILURES,
        window,
        reset_on_success=False,
    )

    def check() -> Household | None:
        households = Household.objects.select_related("village")
        found = households.filter(village=village, number_key=number_key(number)).first()
        return found if _pin_matches(found, pin) else None

    try:
        return attempt(check, address=by_address, limits=[household], now=now)
    except Locked as locked:
        raise LookupLocked(until=locked.until) from None
    except Refused:
        raise LookupRefused() from None


def household_key(village_id: int, number: str) -> str:
    # By the number's key: 4 and 0004 are one household, and share its count of failures.
    return f"lookup:household:{village_id}:{number_key(number)}"


def _pin_matches(household: Household | None, pin: str) -> bool:
    if household is None or not household.pin_hash:
        # Spend the time a real check takes, so that how long the answer takes tells nothing either.
        make_password(pin)
        return False
    return check_password(pin, household.pin_hash)
