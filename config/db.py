"""Statements PostgreSQL plans once a connection, for the hot paths that write their own SQL.

Django's cursors bind parameters on the client, so PostgreSQL plans every statement anew; for a
statement that runs on every posting or every page, planning costs about as much as running it.
"""

import functools
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connection, connections


def plan_once_cursor():
    """`prepared_cursor` on PostgreSQL; Django's own cursor elsewhere (SQLite plans in process)."""
    return prepared_cursor() if connection.vendor == "postgresql" else connection.cursor()


@contextmanager
def prepared_cursor():
    """A cursor of Django's connection (its transaction, its logging and wrappers) whose statements
    PostgreSQL plans once a connection and keeps (a named prepared statement per SQL text and
    parameter types, psycopg's cache of `prepared_max` per connection), where Django's own cursors
    bind parameters on the client and have every statement planned anew.

    For statements whose SQL is built once a shape and casts every parameter whose type the
    statement does not fix: the posting path's, the counter's reads, a household's standing.
    Prepared statements live in the database session: they survive between requests with
    CONN_MAX_AGE, are made again on a new connection, and psycopg drops them all on a ROLLBACK (a
    refusal) and makes them again on the next use. Behind PgBouncer in transaction pooling, set its
    `max_prepared_statements` (PgBouncer 1.21 or later), or statements prepared on one server
    connection are looked for on another."""
    db = connections[DEFAULT_DB_ALIAS]  # the wrapper itself, not a look-up through `connection` each time
    db.ensure_connection()
    raw = db.connection
    if raw.prepare_threshold is None:
        # Django turns psycopg's preparing off (None) for every cursor; its own cursors bind on the
        # client and are never prepared whatever this says, so only `_preparing`'s are affected.
        raw.prepare_threshold = _NEVER_BY_COUNT
    preparing, logged = _preparing()
    cursor = preparing(raw)
    wrapped = logged(cursor, db) if db.queries_logged else db.make_cursor(cursor)
    try:
        yield wrapped
    finally:
        cursor.close()


# psycopg prepares a statement after this many runs; `_preparing` asks on the first one anyway.
_NEVER_BY_COUNT = 2**31 - 1


@functools.cache
def _preparing():
    """psycopg's server-binding cursor (as Django's backend subclasses it), each statement prepared
    on its first run, and Django's logging wrapper for it. Made on first use: the PostgreSQL backend
    is not imported on SQLite."""
    from django.db.backends.postgresql.base import ServerBindingCursor
    from django.db.backends.utils import CursorDebugWrapper

    class Preparing(ServerBindingCursor):
        def execute(self, query, params=None, **kwargs):
            kwargs.setdefault("prepare", True)
            return super().execute(query, params, **kwargs)

    class Logged(CursorDebugWrapper):
        """Logs (DEBUG, `CaptureQueriesContext`) the statement with its parameters written in, as for
        Django's own cursors: psycopg keeps no text of a prepared statement's run to read back."""

        def execute(self, sql, params=None):
            with self.debug_sql(self.db.ops.compose_sql(sql, params), params):
                return super(CursorDebugWrapper, self).execute(sql, params)

    return Preparing, Logged
