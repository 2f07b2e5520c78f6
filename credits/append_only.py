"""Install and lift the database triggers that keep the books append-only.

Each app that keeps append-only tables holds their SQL beside its migrations, in `<app>/sql/`,
one file per database vendor, so a reviewer reads exactly what runs on SQLite and PostgreSQL:
the ledger's entries here, and the shop's movements, redemptions and voids in `exchange/sql/`.
A table is append-only when a BEFORE UPDATE trigger refuses its updates; `tables()` finds them
that way on PostgreSQL, where the site's own role may only insert into and read them.
"""

from pathlib import Path

import sqlparse
from django.apps import apps


def _sql_dir(app_label: str) -> Path:
    return Path(apps.get_app_config(app_label).path) / "sql"


def _run(connection, app_label: str, name: str) -> None:
    script = (_sql_dir(app_label) / f"{name}.{connection.vendor}.sql").read_text()
    with connection.cursor() as cursor:
        for statement in sqlparse.split(script):
            if sqlparse.format(statement, strip_comments=True).strip():
                cursor.execute(statement)


def install(connection, app_label: str = "credits") -> None:
    _run(connection, app_label, "append_only")


def remove(connection, app_label: str = "credits") -> None:
    _run(connection, app_label, "drop_append_only")


def guarded_apps() -> list[str]:
    """The installed apps that keep append-only tables."""
    return [config.label for config in apps.get_app_configs() if (Path(config.path) / "sql").is_dir()]


def tables(connection) -> list[str]:
    """The PostgreSQL tables of the current schema that a BEFORE UPDATE trigger keeps append-only."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT DISTINCT event_object_table FROM information_schema.triggers
            WHERE trigger_schema = current_schema() AND event_manipulation = 'UPDATE'
              AND action_timing = 'BEFORE'
            ORDER BY 1
            """
        )
        return [table for (table,) in cursor.fetchall()]
