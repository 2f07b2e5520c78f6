"""Install and lift the database triggers that keep ledger entries append-only.

The SQL lives beside the migrations in `credits/sql/`, one file per database vendor, so a
reviewer reads exactly what runs on SQLite and on PostgreSQL.
"""

from pathlib import Path

import sqlparse

SQL_DIR = Path(__file__).resolve().parent / "sql"


def _run(connection, name: str) -> None:
    script = (SQL_DIR / f"{name}.{connection.vendor}.sql").read_text()
    with connection.cursor() as cursor:
        for statement in sqlparse.split(script):
            if sqlparse.format(statement, strip_comments=True).strip():
                cursor.execute(statement)


def install(connection) -> None:
    _run(connection, "append_only")


def remove(connection) -> None:
    _run(connection, "drop_append_only")
