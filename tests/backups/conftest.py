"""A second, empty database beside the test database, and the commands run against it.

A restore is tried as an operator would run it: `manage.py restore` in its own process, with
DATABASE_URL pointing at a new empty database (a file for SQLite, a new database on the same
PostgreSQL server) and the media folder at a new empty folder.
"""

import os
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from django.db import connection

from tests.processes import django_env, manage


@dataclass
class Elsewhere:
    """An empty database and media folder, and a way to read the database back."""

    url: str
    media: Path

    def manage(self, *args: str) -> subprocess.CompletedProcess:
        return manage(*args, env=django_env(self.url, DJANGO_MEDIA_ROOT=str(self.media)))

    def tables(self) -> int:
        if self.url.startswith("sqlite"):
            return self.rows("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'")[0][0]
        return self.rows("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'")[0][0]

    def rows(self, sql: str) -> list[tuple]:
        if self.url.startswith("sqlite"):
            with closing(sqlite3.connect(urlsplit(self.url).path)) as db:
                return [tuple(row) for row in db.execute(sql).fetchall()]
        with psycopg.connect(self.url) as db:
            return [tuple(row) for row in db.execute(sql).fetchall()]


@pytest.fixture
def elsewhere(tmp_path):
    media = tmp_path / "restored-media"
    if connection.vendor == "sqlite":
        yield Elsewhere(url=f"sqlite:///{tmp_path / 'restored.sqlite3'}", media=media)
        return
    name = f"{connection.settings_dict['NAME']}_restored"
    server = urlsplit(os.environ["DATABASE_URL"])
    admin_url = server._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield Elsewhere(url=server._replace(path=f"/{name}").geturl(), media=media)
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
