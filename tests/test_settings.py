"""Production settings pass `check --deploy`, and SQLite runs the way the design says."""

import os
import secrets
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

BASE_DIR = Path(__file__).resolve().parent.parent


def fresh_process(*args: str, **environment):
    """`python *args` in a fresh process on the real settings, with only `environment` set."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("DJANGO_")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", **environment)
    return subprocess.run([sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120)


def check_deploy(**environment):
    return fresh_process("manage.py", "check", "--deploy", "--fail-level", "WARNING", **environment)


def test_it_passes_the_deployment_checks_in_production():
    result = check_deploy(DJANGO_SECRET_KEY=secrets.token_urlsafe(64), DJANGO_ALLOWED_HOSTS="example.org")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_warns_about_the_development_secret_key():
    result = check_deploy(DJANGO_ALLOWED_HOSTS="example.org")

    assert result.returncode != 0
    assert "security.W009" in result.stderr


def test_it_warns_when_https_is_turned_off():
    result = check_deploy(
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64), DJANGO_ALLOWED_HOSTS="example.org", DJANGO_HTTPS="0"
    )

    assert result.returncode != 0
    assert "security.W008" in result.stderr
    assert "security.W012" in result.stderr


def test_it_speaks_simplified_chinese_on_shanghai_time():
    # The suite itself reads English (config.test_settings); the site's default is Chinese.
    from config import settings as site_settings

    assert site_settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True
    assert [code for code, _name in settings.LANGUAGES] == ["zh-hans", "en"]


def test_it_starts_with_a_base_score_of_100():
    assert settings.XIANGFENG_BASE_SCORE == 100


sqlite_only = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3", reason="SQLite settings"
)


def pragma(name):
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA {name}")
        return cursor.fetchone()[0]


@sqlite_only
@pytest.mark.django_db
def test_it_runs_sqlite_with_wal_full_sync_a_busy_timeout_and_foreign_keys():
    assert pragma("journal_mode") == "wal"
    assert pragma("synchronous") == 2  # FULL
    assert pragma("busy_timeout") == 20_000
    assert pragma("foreign_keys") == 1


@sqlite_only
@pytest.mark.django_db
def test_it_keeps_the_sqlite_test_database_in_a_file():
    # Threaded tests need every thread to open the same database.
    assert not connection.is_in_memory_db()
    assert Path(connection.settings_dict["NAME"]).is_file()


@sqlite_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_takes_the_sqlite_write_lock_when_a_transaction_starts():
    # IMMEDIATE: a writer queues at BEGIN instead of failing halfway with "database is locked".
    assert connection.transaction_mode == "IMMEDIATE"
    other = sqlite3.connect(connection.settings_dict["NAME"], timeout=0, isolation_level=None)
    try:
        with transaction.atomic():
            connection.ensure_connection()
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
    finally:
        other.close()


def start_site(**environment):
    """Load the WSGI application, as gunicorn and runserver do."""
    return fresh_process("-c", "import config.wsgi", **environment)


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = start_site()

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr
    assert "export DJANGO_SECRET_KEY=" in result.stderr


def test_it_starts_with_a_secret_key_or_in_debug():
    assert start_site(DJANGO_SECRET_KEY=secrets.token_urlsafe(64)).returncode == 0
    assert start_site(DJANGO_DEBUG="1").returncode == 0
