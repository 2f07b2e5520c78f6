"""Who a change is by, when a service (not a signed-in page) makes it.

django-auditlog's middleware attributes a change to the request's signed-in user. An API request
is authenticated by its token only inside the view, after the middleware has looked, and a
management command has no request at all; the services know who acts (`by`), so they say so here.
"""

from contextlib import contextmanager
from contextvars import ContextVar

_actor: ContextVar = ContextVar("history_actor", default=None)


@contextmanager
def acting(user):
    """Attribute every change recorded inside the block to `user`."""
    token = _actor.set(user if getattr(user, "is_authenticated", False) else None)
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor():
    return _actor.get()
