"""Logging in, with guessing held back: every login (page, admin, API) goes through `user_authenticate`.

Three limits (accounts/guards.py): an account on one address (5 failures in 15 minutes), one
address whatever accounts it tries (30), and a ceiling per account across addresses (20 in a
day) that the owner passes from an address that has not been failing. Each is claimed before the
password is checked, so 50 simultaneous wrong passwords get at most 5 checks.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate

from accounts.addresses import client_address
from accounts.guards import Limit, address_key, attempt


def user_authenticate(*, request, username: str, password: str):
    """The active user with these credentials, or `guards.Refused` / `guards.Locked`."""
    address = address_key(client_address(request))
    name = username.strip()[:150]
    window = timedelta(minutes=settings.XIANGFENG_LOGIN_LOCK_MINUTES)
    limits = [
        Limit(f"login:{name}@{address}", settings.XIANGFENG_LOGIN_MAX_FAILURES, window),
        Limit(
            f"login:{name}",
            settings.XIANGFENG_LOGIN_ACCOUNT_MAX_FAILURES,
            timedelta(hours=settings.XIANGFENG_LOGIN_ACCOUNT_WINDOW_HOURS),
            ceiling=True,
        ),
    ]
    by_address = Limit(
        f"login@{address}", settings.XIANGFENG_LOGIN_ADDRESS_MAX_FAILURES, window, reset_on_success=False
    )

    def check():
        # ModelBackend refuses an inactive user like a wrong password: it counts as a failure.
        return authenticate(request, username=username, password=password)

    return attempt(check, address=by_address, limits=limits)
