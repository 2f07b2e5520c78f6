"""`flush`, which empties the whole database, with the ledger's append-only triggers lifted.

The triggers guard individual entries against edits; they are not meant to stop the deliberate
destruction of a whole database. PostgreSQL flushes with TRUNCATE, which row triggers never see,
but SQLite flushes with DELETE, which they refuse — and the test runner flushes between
transactional tests. So on SQLite the triggers are dropped for the flush and put back after it.
"""

from django.core.management.commands.flush import Command as FlushCommand
from django.db import connections

from credits import append_only


class Command(FlushCommand):
    def handle(self, **options):
        connection = connections[options["database"]]
        if connection.vendor != "sqlite":
            return super().handle(**options)
        guarded = append_only.guarded_apps()
        for app_label in guarded:
            append_only.remove(connection, app_label)
        try:
            return super().handle(**options)
        finally:
            for app_label in guarded:
                append_only.install(connection, app_label)
