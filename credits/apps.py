import sqlite3

from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


def use_sqlites_real_parameter_limit(sender, connection, **kwargs):
    """Let a batch insert its entries in one statement on SQLite, as it does on PostgreSQL.

    Django assumes SQLite's old limit of 999 parameters a statement and splits a batch of 1,000
    entries into 14 INSERTs; the SQLite Python 3.11 links to says its own limit (32,766 since
    SQLite 3.32), so a batch runs a fixed number of queries on both databases.
    """
    if connection.vendor == "sqlite":
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        connection.features.max_query_params = limit


class CreditsConfig(AppConfig):
    name = "credits"
    verbose_name = _("Points ledger")

    def ready(self):
        connection_created.connect(use_sqlites_real_parameter_limit, dispatch_uid="sqlite_parameter_limit")
