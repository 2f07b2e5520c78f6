"""The benches' quick runs start as soon as the suite is collected and run beside the other tests.

Each is a child process that mostly waits on its database, its server or its own clients; the
suite's own tests leave the second core idle. So every selected test marked `bench` has its run
started when collection ends, and the tests themselves come last (tests/conftest.py), where each
only waits for its run, if it has not ended already, and reads what it printed. A run that a test
never waits for (`-x` stopped the suite) is killed when the session ends.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The longest a quick run may take, from its start.
TIMEOUT_SECONDS = 900


class BenchRun:
    """`bench/<script> --quick <args>`, as a user runs it, in a folder of its own (its TMPDIR and,
    without `database_url`, its SQLite file)."""

    def __init__(self, script: str, *args: str, database_url: str | None = None):
        self.script = script
        self.folder = Path(tempfile.mkdtemp(prefix=f"bench-{Path(script).stem}-"))
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": database_url or f"sqlite:///{self.folder / 'bench.sqlite3'}",
            "TMPDIR": str(self.folder),
        }
        # Files, not pipes: nobody reads a pipe until the test comes, and a full one stops the bench.
        with open(self.folder / "stdout", "w") as stdout, open(self.folder / "stderr", "w") as stderr:
            self.process = subprocess.Popen(
                [sys.executable, ROOT / "bench" / script, "--quick", *args],
                cwd=ROOT,
                env=env,
                stdout=stdout,
                stderr=stderr,
            )

    def output(self) -> str:
        """What the run printed, once it has ended well."""
        try:
            self.process.wait(timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise
        out, err = ((self.folder / name).read_text() for name in ("stdout", "stderr"))
        assert self.process.returncode == 0, f"bench/{self.script} --quick failed:\n{out[-3000:]}\n{err[-5000:]}"
        return out

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


RUNS: dict[str, BenchRun] = {}


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "bench(script, *args, database_url=None): the test reads bench/<script>'s quick run"
    )


def _start(item) -> BenchRun:
    mark = item.get_closest_marker("bench")
    RUNS[item.nodeid] = BenchRun(*mark.args, **mark.kwargs)
    return RUNS[item.nodeid]


def pytest_collection_finish(session):
    for item in session.items:
        skipped = any(mark.args and mark.args[0] for mark in item.iter_markers("skipif"))
        if item.get_closest_marker("bench") and not skipped:
            _start(item)


def pytest_sessionfinish(session):
    for run in RUNS.values():
        run.stop()


@pytest.fixture
def bench_output(request) -> str:
    """What the test's bench run printed (started when the suite was collected, or now)."""
    run = RUNS.get(request.node.nodeid) or _start(request.node)
    return run.output()
