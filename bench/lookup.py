"""Figures for the public pages' scale goals (the lookup and the board). Not a test: it prints.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xiangfeng .venv/bin/python bench/lookup.py [--quick] [--keep]

On PostgreSQL, a county of 200,000 households in 80 villages with 5,000,000 entries over two years
(`bench/county.py`), one village of 3,000 households among them; then, in-process through Django's
test client with DEBUG off:

a) the record a household card opens, /lookup/c/<token>/, for 200 households of the big village,
   the ten longest histories of the county among them: queries (goal: not growing with history)
   and p95 server time (goal ≤ 30 ms);
b) the big village's board, /board/<code>/, 100 times: queries (goal: fixed) and p95 (goal ≤ 100 ms);
c) `SELECT 1`, for reading the others by: a busy machine swells every round trip;
d) a household's statement (the admin's statement page, newest first) as the big village's clerk
   reads it, for the same households: queries (goal: not growing with history) and p95 (goal ≤ 30
   ms); then the same as a superuser, whom the admin asks no permission of.

`--households N` builds a county of N households instead (villages of 2,500, the big one of 3,000,
20 entries a household on average, as issue 17's scale goals count them), so the same pages can be
measured at 10,000, 100,000 and 1,000,000 households and the cost's growth read off.

Then every kind of query each page makes, by EXPLAIN ANALYZE. Where a page is not built yet (it
answers 404), its selectors are measured instead, and the report says so. The script creates its
own database, `<name>_bench_lookup`, and drops it at the end (bench/README.md says more).
"""

import argparse
import os
import re
import statistics
import sys
import time
import warnings
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/xiangfeng")
os.environ["DJANGO_HTTPS"] = "0"
os.environ["DJANGO_DEBUG"] = "0"
warnings.filterwarnings("ignore", message="No directory at")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.county import County, check, generate_county  # noqa: E402
from bench.pages import bench_database, clerk_of, fetch, print_rows, row, sample  # noqa: E402
from credits.models import Entry, YearScore  # noqa: E402
from credits.selectors import standing, statement, year_points_by_domain  # noqa: E402
from households.models import Household, Village  # noqa: E402

FULL = {"households": 200_000, "big": 3_000, "village_size": 2_500, "per_mean": 25, "long": 10, "long_entries": 3_000}
QUICK = {"households": 6_000, "big": 1_000, "village_size": 500, "per_mean": 10, "long": 3, "long_entries": 500}
GOALS_MS = {"lookup": 30, "board": 100, "statement": 30}
NOTES: list[str] = []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a county of 6,000 households: a smoke check")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    parser.add_argument("--reuse", action="store_true", help="measure again on a database kept by --keep")
    parser.add_argument(
        "--households", type=int, metavar="N", help="a county of N households, 20 entries each on average"
    )
    parser.add_argument("--lookups", type=int, default=200, help="lookup requests, each for another household")
    parser.add_argument("--boards", type=int, default=100, help="board requests")
    parser.add_argument(
        "--plans", type=int, default=0, metavar="N", help="print the plans of each page's N slowest queries"
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("bench/lookup.py needs PostgreSQL: set DATABASE_URL=postgres://…")

    shape = QUICK if args.quick else FULL
    if args.households:
        shape = {**FULL, "households": args.households, "big": min(FULL["big"], args.households), "per_mean": 20}
    with bench_database("_bench_lookup", keep=args.keep or args.reuse, reuse=args.reuse):
        if args.reuse:
            county = kept_county(long=shape["long"])
        else:
            user = User.objects.create_superuser("bench", password=None)
            started = time.perf_counter()
            county = generate_county(user, **shape)
            NOTES.append(f"generated the county in {time.perf_counter() - started:.0f} s.")
            started = time.perf_counter()
            NOTES.append(f"{check()} (checked in {time.perf_counter() - started:.0f} s).")
        NOTES.append(
            f"{county.households:,} households and {county.entries:,} entries; "
            f"the big village has {county.big.households.count():,} households."
        )
        plain_static = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        # DEBUG is off, so templates' static files would need the manifest only collectstatic writes.
        with override_settings(ALLOWED_HOSTS=["testserver"], STORAGES=plain_static):
            rows = bench_lookup(county, requests=args.lookups) + bench_board(county, requests=args.boards)
            rows += bench_statement(county, requests=args.lookups)
        rows.append(round_trips())
        print_report(rows, quick=args.quick, plans=args.plans)


def kept_county(*, long: int) -> County:
    big = Village.objects.get(code="bench-big")
    longest = (
        Entry.objects.filter(household__village=big).values("household").annotate(n=Count("pk")).order_by("-n")[:long]
    )
    return County(
        big=big,
        long_ids=[row["household"] for row in longest],
        households=Household.objects.count(),
        entries=Entry.objects.count(),
    )


# --- a) the lookup -----------------------------------------------------------------------------------


def bench_lookup(county, *, requests: int) -> list[dict]:
    """One request each for `requests` households of the big village, the longest histories among them."""
    active = Household.objects.filter(village=county.big, active=True)
    others = list(active.exclude(pk__in=county.long_ids).order_by("?")[: max(requests - len(county.long_ids), 0)])
    households = others + list(active.filter(pk__in=county.long_ids))
    sizes = dict(Entry.objects.filter(household__in=households).values_list("household").annotate(n=Count("pk")))
    year = timezone.localdate().year
    behind = set(
        YearScore.objects.filter(household__in=households, year=year, points__lt=0).values_list("household", flat=True)
    )
    client = Client()
    url = lambda household: reverse("lookup_card", args=[household.card_token])  # noqa: E731
    if client.get(url(households[0])).status_code == 404:
        NOTES.append("a) /lookup/c/<token>/ answered 404 (not built yet): measured its selectors instead.")
        measure = lambda h: (standing(h, year=year), year_points_by_domain(h, year=year), list(statement(h)[:20]))  # noqa: E731
        what = "lookup selectors"
    else:
        measure = lambda h: fetch(client, url(h))  # noqa: E731
        what = "/lookup/c/<token>/"
    for household in households[:5]:
        measure(household)  # warm-up: templates, connection, caches
    samples = [sample(lambda h=household: measure(h)) for household in households]
    by_size = sorted(zip((sizes[h.pk] for h in households), samples, strict=True), key=lambda pair: pair[0])
    fewest, most = by_size[0], by_size[-1]
    case = f"{what}, {len(households)} households ({fewest[0]:,}–{most[0]:,} entries)"
    rows = [row("a", case, samples, goal_ms=GOALS_MS["lookup"], queries_ok=most[1][0] <= fewest[1][0])]
    for label, (entries, one) in (("fewest", fewest), ("most", most)):
        rows.append(row("a", f"  the household with the {label} entries ({entries:,})", [one]))
    for count in sorted({queries for queries, *_ in samples}):
        chosen = [
            (sizes[h.pk], h.pk in behind)
            for h, (queries, *_) in zip(households, samples, strict=True)
            if queries == count
        ]
        entries = [n for n, _behind in chosen]
        NOTES.append(
            f"a) {count} queries: {len(chosen)} households with {min(entries):,}–{max(entries):,} entries, "
            f"{sum(b for _n, b in chosen)} of them below zero points this year."
        )
    # Every query of 50 of the requests, the ten longest histories among them: a query's cost may
    # depend on the household (where it ranks, how much history it has), not only on its shape.
    rows[-1]["explain"] = explain([lambda h=household: measure(h) for household in households[-50:]])
    return rows


# --- b) the board ---------------------------------------------------------------------------------------


def bench_board(county, *, requests: int) -> list[dict]:
    client = Client()
    url = reverse("board", args=[county.big.code])
    if client.get(url).status_code == 404:
        try:
            from public.selectors import village_board
        except ImportError:
            NOTES.append("b) /board/<code>/ answered 404 and has no selector yet: nothing to measure.")
            return []
        NOTES.append("b) /board/<code>/ answered 404 (not built yet): measured public.selectors.village_board.")
        measure, what = (lambda: village_board(county.big)), "village_board() selector"
    else:
        measure, what = (lambda: fetch(client, url)), "/board/<code>/"
    for _ in range(5):
        measure()
    samples = [sample(measure) for _ in range(requests)]
    counts = {queries for queries, *_ in samples}
    result = row("b", f"{what}, {requests} requests", samples, goal_ms=GOALS_MS["board"], queries_ok=len(counts) == 1)
    result["explain"] = explain([measure] * 5)
    return [result]


# --- d) the statement -------------------------------------------------------------------------------


def bench_statement(county, *, requests: int) -> list[dict]:
    """The statement's first page for households of the big village, the longest histories of the
    county among them: as the village's clerk reads it (the goal), then as a superuser, whom the
    admin asks no permission of (so the page costs the clerk more: their permissions and villages)."""
    active = Household.objects.filter(village=county.big, active=True)
    others = list(active.exclude(pk__in=county.long_ids).order_by("?")[: max(requests - len(county.long_ids), 0)])
    households = others + list(active.filter(pk__in=county.long_ids))
    sizes = dict(Entry.objects.filter(household__in=households).values_list("household").annotate(n=Count("pk")))
    clerk, superuser = clerk_of(county.big), User.objects.get(username="bench")
    return statement_rows("the village's clerk", clerk, households, sizes, plans=True) + statement_rows(
        "a superuser", superuser, households, sizes, plans=False
    )


def statement_rows(who: str, user, households, sizes, *, plans: bool) -> list[dict]:
    client = Client()
    client.force_login(user)
    url = lambda household: reverse("admin:households_household_statement", args=[household.pk])  # noqa: E731
    for household in households[:5]:
        fetch(client, url(household))  # warm-up
    samples = [sample(lambda h=household: fetch(client, url(h))) for household in households]
    by_size = sorted(zip((sizes[h.pk] for h in households), samples, strict=True), key=lambda pair: pair[0])
    fewest, most = by_size[0], by_size[-1]
    case = f"as {who}, {len(households)} households ({fewest[0]:,}–{most[0]:,} entries)"
    rows = [row("d", case, samples, goal_ms=GOALS_MS["statement"], queries_ok=most[1][0] <= fewest[1][0])]
    for label, (entries, one) in (("fewest", fewest), ("most", most)):
        rows.append(row("d", f"  the household with the {label} entries ({entries:,})", [one]))
    if plans:
        rows[0]["explain"] = explain([lambda h=household: fetch(client, url(h)) for household in households[-20:]])
    return rows


# --- measuring -----------------------------------------------------------------------------------------


def explain(calls) -> list[dict]:
    """Each kind of query the calls made, by EXPLAIN ANALYZE: how often, its median and its worst
    planning + execution time, and the worst one's SQL and plan; slowest first."""
    found: dict[str, list[tuple[float, str]]] = {}
    for fn in calls:
        with CaptureQueriesContext(connection) as queries:
            fn()
        for query in queries.captured_queries:
            sql = query["sql"]
            if sql.lstrip().upper().startswith("SELECT"):
                with connection.cursor() as cursor:
                    cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
                    plan = cursor.fetchone()[0][0]
                # The same query for another household or date is the same kind.
                kind = re.sub(r"'[^']*'|-?\b\d+\b", "?", sql)
                found.setdefault(kind, []).append((plan["Planning Time"] + plan["Execution Time"], sql))
    kinds = []
    for timings in found.values():
        worst_ms, worst_sql = max(timings)
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {worst_sql}")
            plan = "\n".join(line for (line,) in cursor.fetchall())
        median = statistics.median(ms for ms, _sql in timings)
        kinds.append({"n": len(timings), "median": median, "worst": worst_ms, "sql": worst_sql, "plan": plan})
    return sorted(kinds, key=lambda kind: kind["worst"], reverse=True)


def round_trips() -> dict:
    """`SELECT 1` 200 times: the cost of a query's round trip alone, which a busy machine inflates."""
    samples = [sample(lambda: connection.cursor().execute("SELECT 1")) for _ in range(200)]
    return row("c", "SELECT 1, 200 times", samples)


# --- the report ---------------------------------------------------------------------------------------


TITLES = {
    "a": f"a) lookup record by card link: goal queries not growing with history, p95 ≤ {GOALS_MS['lookup']} ms",
    "b": f"b) village board of the big village: goal a fixed number of queries, p95 ≤ {GOALS_MS['board']} ms",
    "c": "c) for reading the figures: one query's round trip to PostgreSQL, with the machine as busy as it is",
    "d": f"d) a household's statement in the admin: goal queries not growing with history, p95 ≤ "
    f"{GOALS_MS['statement']} ms",
}


def print_report(rows: list[dict], *, quick: bool, plans: int) -> None:
    import platform

    size = "quick" if quick else "full"
    machine = f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    print(f"Xiangfeng public pages bench ({size}) — {date.today()} — Python {platform.python_version()}, "
          f"{machine}, PostgreSQL {connection.pg_version // 10000}")  # fmt: skip
    for section, title in TITLES.items():
        print(f"\n{title}")
        print_rows([r for r in rows if r["section"] == section], width=62)
        for r in (r for r in rows if r["section"] == section and r.get("explain")):
            print("  its queries by EXPLAIN ANALYZE, planning + execution: how often, median, worst")
            for kind in r["explain"]:
                sql = " ".join(kind["sql"].split())
                sql = sql if len(sql) <= 110 else f"{sql[:55]} … {sql[-50:]}"  # the WHERE tells kinds apart
                print(f"    {kind['n']:>4} × {kind['median']:6.2f} ms {kind['worst']:6.2f} ms  {sql}")
            for kind in r["explain"][:plans]:
                print(f"\n  {kind['sql']}\n    " + kind["plan"].replace("\n", "\n    "))
    for note in NOTES:
        print(f"\nNote: {note}")


if __name__ == "__main__":
    main()
