"""Every bench script's quick mode, run the way its README runs it, so a bench cannot silently break.

The benches are scripts, not tests: they print figures and `met`/`MISSED` and never fail on a slow
figure. What these tests hold them to is that they run to the end and that what they build is
books the reconcile accepts (each script stops with an error otherwise). Nothing here is timed.
The scripts that build their history with PostgreSQL's SQL (`generate_series`, window sums, COPY)
run when the suite runs on PostgreSQL; the others on SQLite as well.
"""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
PG_URL = os.environ.get("DATABASE_URL", "") if os.environ.get("DATABASE_URL", "").startswith("postgres") else ""
needs_postgresql = pytest.mark.skipif(not PG_URL, reason="this bench builds its history with PostgreSQL's SQL")


def bench_url(suffix: str) -> str:
    """A database of this suite's server for the bench, named after this suite's own (never shared)."""
    parts = urlsplit(PG_URL)
    return parts._replace(path=f"/test_{parts.path.lstrip('/')}_{suffix}_bench").geturl()


def run(script: str, *args: str, database_url: str, tmp_path: Path) -> str:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "TMPDIR": str(tmp_path),
    }
    done = subprocess.run(
        [sys.executable, ROOT / "bench" / script, "--quick", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"bench/{script} --quick failed:\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}"
    return done.stdout


def test_it_runs_the_ledger_bench_on_sqlite(tmp_path):
    out = run("ledger.py", database_url=f"sqlite:///{tmp_path / 'bench.sqlite3'}", tmp_path=tmp_path)

    assert "a) batch award" in out and "SQLite" in out
    assert "admin page,  2,000 entries, last page" in out


@needs_postgresql
def test_it_runs_the_ledger_bench_with_its_reconcile_on_postgresql(tmp_path):
    out = run("ledger.py", database_url=bench_url("ledger"), tmp_path=tmp_path)

    assert "manage.py reconcile" in out
    assert "the reconcile reported exactly those 3 households" in out


def test_it_runs_the_counter_bench_on_sqlite(tmp_path):
    out = run(
        "counter.py",
        "--only",
        "sqlite",
        "--seconds",
        "1",
        "--clients",
        "2",
        "--workers",
        "2",
        database_url=f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        tmp_path=tmp_path,
    )

    assert "SQLite" in out and "reconcile" in out


@needs_postgresql
def test_it_runs_the_counter_bench_on_postgresql(tmp_path):
    out = run(
        "counter.py",
        "--only",
        "postgresql",
        "--pg-url",
        bench_url("counter"),
        "--seconds",
        "1",
        "--clients",
        "2",
        "--workers",
        "2",
        database_url=PG_URL,
        tmp_path=tmp_path,
    )

    assert "PostgreSQL" in out


@needs_postgresql
def test_it_runs_the_api_bench(tmp_path):
    out = run(
        "api.py", "--pg-url", bench_url("api"), "--seconds", "1", "--clients", "2", "--workers", "2",
        database_url=PG_URL, tmp_path=tmp_path,
    )  # fmt: skip

    assert "redemptions" in out


@needs_postgresql
def test_it_runs_the_lookup_bench_on_a_county_that_reconciles(tmp_path):
    out = run("lookup.py", "--lookups", "10", "--boards", "5", database_url=bench_url("lookup"), tmp_path=tmp_path)

    checked = (
        "the generated ledger reconciles: chains, hashes, caches, reversals, years' points, months' totals "
        "and latest awards"
    )
    assert checked in out


@needs_postgresql
def test_it_runs_the_clerk_bench(tmp_path):
    out = run("clerk.py", database_url=bench_url("clerk"), tmp_path=tmp_path)

    assert "the generated ledger reconciles" in out


needs_hordak = pytest.mark.skipif(
    not Path("/tmp/hordak-venv/bin/python").exists(), reason="django-hordak's throwaway venv is absent"
)


@needs_postgresql
@needs_hordak
def test_it_runs_the_posting_bench_beside_hordak(tmp_path):
    out = run("posting.py", database_url=bench_url("posting"), tmp_path=tmp_path)

    assert "entry_record / hordak" in out and "The ledger reconciles after the run." in out


@needs_postgresql
@needs_hordak
def test_it_runs_the_balance_read_bench_beside_hordak(tmp_path):
    out = run("balance.py", database_url=bench_url("balance"), tmp_path=tmp_path)

    assert "200 postings: Xiangfeng" in out and "10 postings: Xiangfeng" in out
    assert "hordak get_balance()" in out
