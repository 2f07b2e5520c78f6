"""Whose address a request came from, for every limit that counts attempts per address.

Directly on the network it is REMOTE_ADDR. Behind a reverse proxy every request comes from the
proxy, so the proxy appends the client's address to X-Forwarded-For and we read the last entry,
the one our own proxy wrote; the entries before it are whatever the client sent. The login
lockout, the villagers' lookup and the history of changes all take this address.
"""

from django.conf import settings


def client_address(request) -> str:
    """The client's address; see XIANGFENG_TRUST_X_FORWARDED_FOR in the settings."""
    if settings.XIANGFENG_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR", "")
