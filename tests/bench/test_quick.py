"""Every bench script's quick mode, run the way its README runs it, so a bench cannot silently break.

The benches are scripts, not tests: they print figures and `met`/`MISSED` and never fail on a slow
figure. What these tests hold them to is that they run to the end and that what they build is
books the reconcile accepts (each script stops with an error otherwise). Nothing here is timed.
Each test names its run with the `bench` mark; the runs start together when the suite is collected
and go on beside the other tests (tests/bench/conftest.py), and these tests come last.
The scripts that build their history with PostgreSQL's SQL (`generate_series`, window sums, COPY)
run when the suite runs on PostgreSQL; the others on SQLite as well.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

PG_URL = os.environ.get("DATABASE_URL", "") if os.environ.get("DATABASE_URL", "").startswith("postgres") else ""
needs_postgresql = pytest.mark.skipif(not PG_URL, reason="this bench builds its history with PostgreSQL's SQL")


def bench_url(suffix: str) -> str:
    """A database of this suite's server for the bench, named after this suite's own (never shared)."""
    parts = urlsplit(PG_URL)
    return parts._replace(path=f"/test_{parts.path.lstrip('/')}_{suffix}_bench").geturl()


@pytest.mark.bench("ledger.py")
def test_it_runs_the_ledger_bench_on_sqlite(bench_output):

    assert "a) batch award" in bench_output and "SQLite" in bench_output
    assert "admin page,  2,000 entries, last page" in bench_output


@needs_postgresql
@pytest.mark.bench("ledger.py", database_url=bench_url("ledger"))
def test_it_runs_the_ledger_bench_with_its_reconcile_on_postgresql(bench_output):

    assert "manage.py reconcile" in bench_output
    assert "the reconcile reported exactly those 3 households" in bench_output


@pytest.mark.bench("counter.py", "--only", "sqlite", "--seconds", "1", "--clients", "2", "--workers", "2")
def test_it_runs_the_counter_bench_on_sqlite(bench_output):

    assert "SQLite" in bench_output and "reconcile" in bench_output


@needs_postgresql
@pytest.mark.bench(
    "counter.py", "--only", "postgresql", "--pg-url", bench_url("counter"), "--seconds", "1", "--clients", "2",
    "--workers", "2", database_url=PG_URL,
)  # fmt: skip
def test_it_runs_the_counter_bench_on_postgresql(bench_output):

    assert "PostgreSQL" in bench_output


@needs_postgresql
@pytest.mark.bench(
    "api.py", "--pg-url", bench_url("api"), "--seconds", "1", "--clients", "2", "--workers", "2",
    database_url=PG_URL,
)  # fmt: skip
def test_it_runs_the_api_bench(bench_output):

    assert "redemptions" in bench_output


@needs_postgresql
@pytest.mark.bench("lookup.py", "--lookups", "10", "--boards", "5", database_url=bench_url("lookup"))
def test_it_runs_the_lookup_bench_on_a_county_that_reconciles(bench_output):

    checked = (
        "the generated ledger reconciles: chains, hashes, caches, reversals, years' points, months' totals "
        "and latest awards"
    )
    assert checked in bench_output


@needs_postgresql
@pytest.mark.bench("clerk.py", database_url=bench_url("clerk"))
def test_it_runs_the_clerk_bench(bench_output):

    assert "the generated ledger reconciles" in bench_output


needs_hordak = pytest.mark.skipif(
    not Path("/tmp/hordak-venv/bin/python").exists(), reason="django-hordak's throwaway venv is absent"
)


@needs_postgresql
@needs_hordak
@pytest.mark.bench("posting.py", database_url=bench_url("posting"))
def test_it_runs_the_posting_bench_beside_hordak(bench_output):

    assert "entry_record / hordak" in bench_output and "The ledger reconciles after the run." in bench_output


@needs_postgresql
@needs_hordak
@pytest.mark.bench("balance.py", database_url=bench_url("balance"))
def test_it_runs_the_balance_read_bench_beside_hordak(bench_output):

    assert "200 postings: Xiangfeng" in bench_output and "10 postings: Xiangfeng" in bench_output
    assert "hordak get_balance()" in bench_output
