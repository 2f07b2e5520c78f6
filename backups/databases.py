"""A consistent snapshot of the database while the site runs, and its restoration into an empty one.

SQLite: the online backup API copies every page in one step under a read transaction, which in
WAL mode never blocks the writers, so the copy is the database as of one moment. PostgreSQL: a
repeatable-read transaction exports its snapshot; the rows are counted in it and `pg_dump` dumps
from it, so the manifest counts exactly the rows in the dump while the site goes on writing.
"""

import os
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

from backups.errors import BackupRefused, DatabaseNotEmpty


def snapshot(connection: BaseDatabaseWrapper, *, into: Path) -> dict[str, int]:
    """Write a snapshot of the database to the file `into`; return each table's rows in it."""
    if connection.vendor == "sqlite":
        return _sqlite_snapshot(connection, into)
    return _postgresql_snapshot(connection, into)


def restore(connection: BaseDatabaseWrapper, *, source: Path) -> None:
    """Load a snapshot into the connection's database, which must have no tables yet."""
    tables = connection.introspection.table_names()
    if tables:
        raise DatabaseNotEmpty(name=connection.settings_dict["NAME"], tables=len(tables))
    if connection.vendor == "sqlite":
        _sqlite_restore(connection, source)
    else:
        _postgresql_restore(connection, source)


def row_counts(connection: BaseDatabaseWrapper) -> dict[str, int]:
    with connection.cursor() as cursor:
        return _count(cursor, connection.introspection.table_names(cursor), connection.ops.quote_name)


def _count(cursor, tables, quote) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def _sqlite_snapshot(connection, into: Path) -> dict[str, int]:
    # A connection of our own: the backup must not run inside a transaction of the caller's.
    source = sqlite3.connect(connection.settings_dict["NAME"], timeout=connection.settings_dict["OPTIONS"]["timeout"])
    target = sqlite3.connect(into)
    try:
        source.backup(target)  # every page in one step: one consistent moment
        # A self-contained file, without a -wal beside it.
        target.execute("PRAGMA journal_mode=DELETE")
        cursor = target.cursor()
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        tables = [name for (name,) in cursor.fetchall()]
        return _count(cursor, tables, connection.ops.quote_name)
    finally:
        target.close()
        source.close()


def _sqlite_restore(connection, source: Path) -> None:
    connection.ensure_connection()
    snapshot = sqlite3.connect(source)
    try:
        snapshot.backup(connection.connection)
    finally:
        snapshot.close()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode=WAL")


def _pg_env(connection) -> dict[str, str]:
    """libpq's environment for pg_dump and pg_restore: the same server, user and database as Django's."""
    settings = connection.settings_dict
    env = {**os.environ, "PGDATABASE": settings["NAME"]}
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        if settings.get(key):
            env[variable] = str(settings[key])
    return env


def _postgresql_snapshot(connection, into: Path) -> dict[str, int]:
    # A connection of our own holds the exported snapshot open while pg_dump reads it.
    own = connections.create_connection(connection.alias)
    try:
        with own.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot_id = cursor.fetchone()[0]
            counts = _count(cursor, own.introspection.table_names(cursor), own.ops.quote_name)
            # No compression of its own: the archive compresses everything once.
            _run(
                ["pg_dump", "--format=custom", "--compress=0", f"--snapshot={snapshot_id}", f"--file={into}"],
                env=_pg_env(connection),
            )
            cursor.execute("COMMIT")
        return counts
    finally:
        own.close()


def _postgresql_restore(connection, source: Path) -> None:
    # Owners and grants are the new server's: the restoring user owns what it creates.
    database = connection.settings_dict["NAME"]
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-acl",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={database}",
            str(source),
        ],
        env=_pg_env(connection),
    )


def _run(command: list[str], *, env: dict[str, str]) -> None:
    try:
        subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    except FileNotFoundError as missing:
        raise BackupRefused(f"{command[0]}: {missing.strerror}") from missing
    except subprocess.CalledProcessError as failed:
        raise BackupRefused(f"{command[0]}: {failed.stderr.strip()}") from failed
