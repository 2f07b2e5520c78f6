"""`flush`, which empties the whole database, with the ledger's append-only triggers lifted.

The triggers guard the books against edits; they are not meant to stop the owner of the database
from deliberately emptying all of it. But they refuse what flush does — SQLite flushes with DELETE,
PostgreSQL with TRUNCATE, which a statement trigger guards there — and the test runner flushes
between transactional tests. So the triggers are dropped for the flush and put back after it.
"""

from django.core.management.commands.flush import Command as FlushCommand
from django.db import connections

from credits import append_only


class Command(FlushCommand):
    def handle(self, **options):
        connection = connections[options["database"]]
        guarded = append_only.guarded_apps()
        for app_label in guarded:
            append_only.remove(connection, app_label)
        try:
            return super().handle(**options)
        finally:
            for app_label in guarded:
                append_only.install(connection, app_label)
