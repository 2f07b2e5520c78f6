"""What the in-process page benches (`lookup.py`, `clerk.py`) share: a throwaway database, one
request timed with its queries and CPU, and the table of figures they print.

Import it after `django.setup()`.
"""

import statistics
import time

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext

VERDICT = {True: "met", False: "MISSED"}


class bench_database:
    """Create and migrate a throwaway database through Django's test-database machinery, then drop it.

    Its name is the configured one plus `suffix` (or the configured one, if it ends so already).
    `keep` keeps it afterwards; `reuse` measures again on one kept before, without building it.
    """

    def __init__(self, suffix: str, *, keep: bool, reuse: bool = False):
        self.keep, self.reuse = keep, reuse
        self.base = settings.DATABASES["default"]["NAME"]
        self.name = self.base if self.base.endswith(suffix) else f"{self.base}{suffix}"

    def __enter__(self):
        settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = self.name
        if self.reuse:
            connection.close()
            settings.DATABASES["default"]["NAME"] = connection.settings_dict["NAME"] = self.name
            return
        self.old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)

    def __exit__(self, *exc):
        if self.keep:
            print(f"Kept the benchmark database {self.name}.")
        elif not self.reuse:
            connection.creation.destroy_test_db(self.old_name, verbosity=0)
        connection.close()
        settings.DATABASES["default"]["NAME"] = connection.settings_dict["NAME"] = self.base


def clerk_of(village) -> User:
    """The village's clerk, as the pages see one: staff in the clerk group, keeping the village."""
    user, _created = User.objects.get_or_create(username=f"clerk-{village.code}", defaults={"is_staff": True})
    user.groups.add(Group.objects.get(name="clerk"))
    village.clerks.add(user)
    return user


def fetch(client, url: str):
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return response


def sample(fn) -> tuple[int, float, float]:
    """(queries, wall seconds, this process's CPU seconds) of one call.

    The queries are counted at once: the capture reads the connection's log lazily. The CPU time is
    Django's own work (ORM, templates); the rest of the wall time is the database and waiting for it.
    """
    with CaptureQueriesContext(connection) as queries:
        started, cpu = time.perf_counter(), time.process_time()
        fn()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return len(queries), seconds, cpu


def percentile(values: list[float], fraction: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(fraction * (len(values) - 1)))]


def row(section: str, case: str, samples, *, goal_ms: float | None = None, queries_ok: bool | None = None) -> dict:
    """One line of the table: the samples' query counts, wall p50 and p95, CPU p50, and the verdicts."""
    counts = sorted({queries for queries, *_ in samples})
    walls = [seconds for _queries, seconds, _cpu in samples]
    p95 = percentile(walls, 0.95)
    return {
        "section": section,
        "case": case,
        "queries": "–".join(str(c) for c in (counts[0], counts[-1])) if len(counts) > 1 else str(counts[0]),
        "p50": statistics.median(walls),
        "p95": p95,
        "cpu50": statistics.median(cpu for *_rest, cpu in samples),
        "queries_ok": queries_ok,
        "time_ok": None if goal_ms is None else p95 * 1000 <= goal_ms,
    }


def print_rows(rows: list[dict], *, width: int) -> None:
    """The table's heading and its rows, the case column `width` wide."""
    print(f"  {'case':<{width}} {'queries':>7} {'p50':>10} {'p95':>10} {'CPU p50':>10}  goals: queries, time")
    for r in rows:
        verdict = ", ".join(VERDICT[r[key]] for key in ("queries_ok", "time_ok") if r[key] is not None)
        times = f"{ms(r['p50']):>10} {ms(r['p95']):>10} {ms(r['cpu50']):>10}"
        print(f"  {r['case']:<{width}} {r['queries']:>7} {times}  {verdict}")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"
