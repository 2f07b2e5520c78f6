"""Reads from a PostgreSQL standby, for the pages that may be a moment behind.

With `DATABASE_REPLICA_URL` set, the settings add a `replica` database and this router. A page
opts in with `@reads_from_replica`: the public board, the reports and the exports, which a county
reads most and which may show the books as of a second ago. Everything else reads the primary:
every write, and every page that shows a change just made (the counter and its receipt, the
lookup, the admin's forms), so a standby's lag never shows a stale balance. Logins, sessions,
lockouts and idempotency keys are never read from the standby, even inside such a page.
"""

from contextvars import ContextVar
from functools import wraps

REPLICA = "replica"
# The books and what the public pages show; not auth, sessions, the attempt guards or the API's keys.
APPS_ON_REPLICA = frozenset({"households", "credits", "exchange", "public", "reports"})

_reading_from_replica = ContextVar("reading_from_replica", default=False)


def reads_from_replica(view):
    """Run the view's reads of the books on the standby (when one is configured)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        token = _reading_from_replica.set(True)
        try:
            return view(*args, **kwargs)
        finally:
            _reading_from_replica.reset(token)

    return wrapped


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _reading_from_replica.get() and model._meta.app_label in APPS_ON_REPLICA:
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        # A row read from the standby is saved to the primary, whatever `_state.db` says.
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data on both

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA  # a standby is read-only; it follows the primary's schema
