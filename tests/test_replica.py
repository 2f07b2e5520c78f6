"""Reads from a real PostgreSQL standby: the board may lag, the counter never does.

A second PostgreSQL cluster is made from the test server with `pg_basebackup -R` and started on
its own port as a streaming standby. A gunicorn server runs with `DATABASE_REPLICA_URL` pointing
at it. Pausing the standby's replay makes the lag as long as the test needs: the board still
shows the books before an award, while the counter, on the primary, shows the balance after it.
"""

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

from config.replica import REPLICA, ReplicaRouter, reads_from_replica
from credits.models import Entry
from credits.services import entry_record
from households.models import Household
from tests.processes import app_servers, database_url_of_this_test, django_env, free_port
from tests.test_two_servers import Browser


def server_binaries() -> Path | None:
    """The bin folder of the PostgreSQL server binaries of the test server's major version."""
    major = connection.pg_version // 10000
    folder = Path(f"/usr/lib/postgresql/{major}/bin")
    if (folder / "pg_ctl").exists() and (folder / "pg_basebackup").exists():
        return folder
    found = shutil.which("pg_ctl")
    return Path(found).parent if found and shutil.which("pg_basebackup") else None


def run(command: list, **options) -> subprocess.CompletedProcess:
    # PostgreSQL refuses to run as root; the cluster's files belong to whoever runs it.
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run(as_postgres + [str(part) for part in command], capture_output=True, text=True, **options)


@contextmanager
def standby_of(primary_url: str, binaries: Path):
    """A streaming standby of the primary, on a free port; yields its URL for the same database."""
    primary = urlsplit(primary_url)
    work = Path(tempfile.mkdtemp(prefix="xf-standby-"))
    if os.geteuid() == 0:
        shutil.chown(work, "postgres", "postgres")
    data, port = work / "data", free_port()
    copied = run(
        [binaries / "pg_basebackup", "-h", primary.hostname, "-p", primary.port or 5432, "-U", primary.username,
         "-D", data, "-R", "-X", "stream", "--checkpoint=fast"],
        timeout=120,
    )  # fmt: skip
    if copied.returncode:
        shutil.rmtree(work, ignore_errors=True)
        pytest.fail(
            "pg_basebackup could not copy the test server; it must accept replication connections from "
            f"127.0.0.1 (pg_hba.conf: `host replication all 127.0.0.1/32 trust`; .ci/run adds it):\n{copied.stderr}"
        )
    # A Debian cluster keeps its configuration outside the data folder: the copy gets its own.
    settings = {
        "postgresql.conf": f"port = {port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{work}'\n"
        "hot_standby = on\n",
        "pg_hba.conf": "local all all trust\nhost all all 127.0.0.1/32 trust\n",
        "pg_ident.conf": "",
    }
    for name, text in settings.items():
        run(["tee", data / name], input=text, check=True)
    run([binaries / "pg_ctl", "-D", data, "-l", work / "log", "-w", "-t", "60", "start"], check=True, timeout=90)
    try:
        yield primary._replace(netloc=f"{primary.username}@127.0.0.1:{port}").geturl()
    finally:
        run([binaries / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"], timeout=60)
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture(scope="module")
def standby(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            pytest.skip("a standby is PostgreSQL streaming replication; run the suite with DATABASE_URL")
        binaries = server_binaries()
        if binaries is None:
            pytest.skip("PostgreSQL's server binaries (pg_ctl, pg_basebackup) are not installed")
        primary = database_url_of_this_test()
    with standby_of(primary, binaries) as url, psycopg.connect(url, autocommit=True) as replica:
        yield replica, url


def caught_up(replica):
    """Wait until the standby has replayed everything the primary had written when asked."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        target = cursor.fetchone()[0]
    deadline = time.monotonic() + 30
    while not replica.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target]).fetchone()[0]:
        assert time.monotonic() < deadline, "the standby did not catch up in 30 s"
        time.sleep(0.05)


def red_list(url: str, village) -> list:
    with urllib.request.urlopen(f"{url}/api/board/{village.code}/", timeout=30) as response:
        return json.loads(response.read())["red_list"]


def counter_balance(browser: Browser, url: str, shop, household) -> int:
    status, page = browser.request(f"{url}/counter/{shop.pk}/h/{household.pk}/")
    assert status == 200
    return int(re.search(r'data-balance="(-?\d+)"', page).group(1))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_shows_the_board_from_the_standby_and_the_counter_from_the_primary(
    standby, a1, a2, alice, sam, shop_a, award, password
):
    replica, replica_url = standby
    env = django_env(database_url_of_this_test(), DATABASE_REPLICA_URL=replica_url)
    with app_servers(1, env=env) as [url]:
        shopkeeper = Browser()
        assert shopkeeper.submit(f"{url}/accounts/login/", {"username": "sam", "password": password}) == 302
        caught_up(replica)
        board_before = red_list(url, a1.village)

        replica.execute("SELECT pg_wal_replay_pause()")
        try:
            entry_record(household=a1, rule=award, occurred_on=timezone.localdate(), by=alice)
            # The standby is behind: the board shows the books before the award...
            assert red_list(url, a1.village) == board_before
            # ...but the counter reads the primary, and shows the balance after it.
            assert counter_balance(shopkeeper, url, shop_a, a1) == 102
        finally:
            replica.execute("SELECT pg_wal_replay_resume()")

        caught_up(replica)
        board_after = red_list(url, a1.village)
    assert board_after != board_before
    assert {row["number"]: row["points"] for row in board_after}[a1.number] == 2


def test_it_routes_only_the_books_inside_a_replica_page_and_writes_to_the_primary():
    router = ReplicaRouter()
    assert router.db_for_read(Household) is None
    assert reads_from_replica(lambda: router.db_for_read(Household))() == REPLICA
    assert reads_from_replica(lambda: router.db_for_read(Entry))() == REPLICA
    assert reads_from_replica(lambda: router.db_for_read(Session))() is None
    assert reads_from_replica(lambda: router.db_for_write(Household))() == "default"
    assert router.allow_migrate(REPLICA, "households") is False
