"""Figures for the clerk's tools' scale goals: roster import and reports. Not a test: it prints.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xiangfeng .venv/bin/python bench/clerk.py [--quick]

a) importing a roster of 10,000 households from an .xlsx sheet through the admin's resource
   (`credits.roster.HouseholdImportResource`, the same code the admin's import runs): the preview
   (dry run) and the import itself, each household opened with its opening entry (goal ≤ 10 s);
   then a county's roster (`--county-rows`, 100,000 by default) end to end as the admin runs it:
   the upload kept as a job, the worker's check, the confirmation and the worker's save
   (`credits.services.rosters`, with the tasks run in this process), whole or not at all;
b) the report page, /reports/?village=…, for a village of 3,000 households with a year of
   history, 50 times: queries (goal: fixed, the same as for a village of 300) and p95 (goal ≤ 300 ms);
c) the report over a county of 200,000 households (`--households`) and about 25 entries each
   (`bench/county.py`), for the clerk of its big village, the officer of the town that holds the most
   villages and a superuser (the whole county), the past year and two years, 10 times (goal ≤ 2 s).

a) and b) each run in a database of their own, dropped afterwards; c) builds the county in `<name>_bench_clerk`, which
`--keep` keeps and `--reuse` measures again without building it. PostgreSQL only.
"""

import argparse
import io
import os
import sys
import time
import warnings
from datetime import date, timedelta
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
from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from import_export.formats.base_formats import XLSX  # noqa: E402

from bench.county import check, generate_county  # noqa: E402
from bench.pages import bench_database, clerk_of, fetch, print_rows, row, sample  # noqa: E402
from credits.models import Entry, RosterImport  # noqa: E402
from credits.roster import HouseholdImportResource  # noqa: E402
from credits.services.rosters import (  # noqa: E402
    roster_import_apply,
    roster_import_check,
    roster_import_confirm,
    roster_import_start,
)
from households.models import Household, Town, Village  # noqa: E402

FULL = {"households": 200_000, "big": 3_000, "village_size": 2_500, "per_mean": 25, "long": 10, "long_entries": 3_000}
QUICK = {"households": 6_000, "big": 1_000, "village_size": 500, "per_mean": 10, "long": 3, "long_entries": 500}
GOALS_MS = {"import": 10_000, "village": 300, "town": 2_000}
NOTES: list[str] = []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke check of the script")
    parser.add_argument("--keep", action="store_true", help="keep the county's database afterwards")
    parser.add_argument("--reuse", action="store_true", help="measure c) again on a database kept by --keep")
    parser.add_argument("--only", choices=["import", "village", "town"], help="run one part")
    parser.add_argument("--county-rows", type=int, default=100_000, help="rows of the county's roster in a)")
    parser.add_argument("--households", type=int, help="c) the county's size (200,000 by default; villages of 2,500)")
    parser.add_argument("--repeat", type=int, help="c) requests of each report (10 by default, 3 with --quick)")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("bench/clerk.py needs PostgreSQL: set DATABASE_URL=postgres://…")
    rows: list[dict] = []
    plain_static = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # DEBUG is off, so templates' static files would need the manifest only collectstatic writes.
    with override_settings(ALLOWED_HOSTS=["testserver"], STORAGES=plain_static):
        if args.only in (None, "import"):
            with bench_database("_bench_clerk_import", keep=False):
                rows += bench_import(households=1_000 if args.quick else 10_000)
            with bench_database("_bench_clerk_county_import", keep=False):
                rows += bench_county_import(households=5_000 if args.quick else args.county_rows)
        if args.only in (None, "village"):
            with bench_database("_bench_clerk_village", keep=False):
                rows += bench_village(quick=args.quick)
        if args.only in (None, "town"):
            with bench_database("_bench_clerk", keep=args.keep or args.reuse, reuse=args.reuse):
                rows += bench_town(quick=args.quick, reuse=args.reuse, households=args.households, repeat=args.repeat)
    print_report(rows, quick=args.quick)


# --- a) the import ------------------------------------------------------------------------------


def roster_xlsx(households: int, village_code: str) -> bytes:
    """A village's own sheet: Chinese headings, one row per household."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["村代码", "户号", "户主", "村民小组", "住址", "电话", "初始积分"])
    for n in range(1, households + 1):
        sheet.append([village_code, f"{n:05d}", f"户主{n}", f"第{n % 12 + 1}组", f"{n}号", f"139{n:08d}", None])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def roster_import(data: bytes, *, user, dry_run: bool):
    """An .xlsx sheet through the admin's import resource, as the admin's import runs it; its Result."""
    dataset = XLSX().create_dataset(data)
    return HouseholdImportResource(user=user).import_data(
        dataset, dry_run=dry_run, raise_errors=False, rollback_on_validation_errors=True, user=user
    )


def bench_import(*, households: int) -> list[dict]:
    town = Town.objects.create(name="导入镇")
    village = Village.objects.create(code="bench-import", name="导入村", town=town)
    user = clerk_of(village)
    data = roster_xlsx(households, village.code)
    rows = []
    for dry_run, label in ((True, "preview (dry run)"), (False, "import")):
        results = []
        measured = sample(lambda: results.append(roster_import(data, user=user, dry_run=dry_run)))  # noqa: B023
        result = results[0]
        if result.has_errors() or result.has_validation_errors():
            raise SystemExit(f"the import refused the roster: {result.invalid_rows[:3]}")
        rows.append(row("a", f"{households:,} households from .xlsx, {label}", [measured], goal_ms=GOALS_MS["import"]))
    opened = Entry.objects.filter(household__village=village, kind="opening").count()
    NOTES.append(f"a) {opened:,} opening entries written for {households:,} imported households.")
    return rows


def bench_county_import(*, households: int) -> list[dict]:
    """A county's roster through the background job: upload, check, confirm, save; each step timed."""
    town = Town.objects.create(name="县导入镇")
    village = Village.objects.create(code="bench-county", name="县导入村", town=town)
    user = clerk_of(village)
    data = roster_xlsx(households, village.code)
    jobs = []
    queued_only = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with override_settings(TASKS=queued_only):
        # The worker's part is run below, step by step, so that each is timed on its own.
        upload = {"file_name": "县名册.xlsx", "file_format": "xlsx", "content": data, "language": "zh-hans"}
        start = sample(lambda: jobs.append(roster_import_start(by=user, **upload)))
        job = jobs[0]
        check = sample(lambda: roster_import_check(job=RosterImport.objects.get(pk=job.pk)))
        job.refresh_from_db()
        if job.state != RosterImport.State.CHECKED:
            raise SystemExit(f"the check refused the roster: {job.problems[:3]}")
        confirm = sample(lambda: roster_import_confirm(job=job, by=user))
        save = sample(lambda: roster_import_apply(job=RosterImport.objects.get(pk=job.pk)))
    job.refresh_from_db()
    if job.state != RosterImport.State.DONE or job.new != households:
        raise SystemExit(f"the save did not open every household: {job.state}, {job.new}, {job.problems[:3]}")
    label = f"{households:,} households, background job"
    steps = (start, check, confirm, save)
    total = (sum(step[0] for step in steps), sum(step[1] for step in steps), sum(step[2] for step in steps))
    NOTES.append(
        f"a) the county's roster: {Household.objects.filter(village=village).count():,} households and "
        f"{Entry.objects.filter(household__village=village, kind='opening').count():,} opening entries saved."
    )
    return [
        row("a", f"{label}: upload kept", [start]),
        row("a", f"{label}: the worker's check", [check]),
        row("a", f"{label}: the worker's save", [save]),
        row("a", f"{label}: end to end", [total]),
    ]


# --- b) one village's report ----------------------------------------------------------------------


def bench_village(*, quick: bool) -> list[dict]:
    """A village of 3,000 households (1,000 with --quick) and one of 300, two years of history each
    (`bench/county.py`), goods redeemed at the big village's shop; the report of the past year."""
    big = 1_000 if quick else 3_000
    user = User.objects.create_superuser("bench-village", password=None)
    county = generate_county(
        user, households=big + 300, big=big, village_size=300, per_mean=25, long=3, long_entries=500
    )
    redeem_some(county.big, redemptions=100 if quick else 500)
    rows = []
    for village in (Village.objects.get(code="bench-1"), county.big):
        clerk = clerk_of(village)
        client = Client()
        client.force_login(clerk)
        url = f"/reports/?village={village.pk}"
        for _ in range(3):
            fetch(client, url)
        samples = [sample(lambda client=client, url=url: fetch(client, url)) for _ in range(10 if quick else 50)]
        households = village.households.count()
        entries = Entry.objects.filter(household__village=village, occurred_on__gte=date.today() - timedelta(days=365))
        rows.append(row("b", f"/reports/ for {households:,} households, {entries.count():,} entries in the year",
                        samples, goal_ms=GOALS_MS["village"]))  # fmt: skip
    rows[-1]["queries_ok"] = len({r["queries"] for r in rows}) == 1
    return rows


def redeem_some(village, *, redemptions: int) -> None:
    """Goods redeemed through the shop's own service, so the report's shop figures have rows to sum."""
    from exchange.models import Product, Shop
    from exchange.services import product_restock, redemption_create

    clerk = clerk_of(village)
    keeper = User.objects.create_user(f"keeper-{village.code}", password=None)
    shop = Shop.objects.create(village=village, name="兑换超市")
    shop.shopkeepers.add(keeper)
    goods = [Product.objects.create(shop=shop, name=name, unit="件", price=price, low_stock=50)
             for name, price in (("洗衣皂", 10), ("食用油", 30), ("大米", 20), ("毛巾", 5))]  # fmt: skip
    for product in goods:
        product_restock(product=product, quantity=redemptions, by=clerk)
    households = list(village.households.filter(active=True, balance__gte=40).order_by("id")[:redemptions])
    for n, household in enumerate(households):
        product = goods[n % len(goods)]
        redemption_create(shop=shop, household=household, quantities=[(product.pk, 1)], by=keeper,
                          idempotency_key=f"bench-{n}")  # fmt: skip


# --- c) the town report at county scale ----------------------------------------------------------------


def bench_town(*, quick: bool, reuse: bool, households: int | None = None, repeat: int | None = None) -> list[dict]:
    if not reuse:
        user = User.objects.create_superuser("bench", password=None)
        started = time.perf_counter()
        size = {**(QUICK if quick else FULL), **({"households": households} if households else {})}
        generate_county(user, **size)
        NOTES.append(f"c) generated the county in {time.perf_counter() - started:.0f} s; {check()}.")
    town = Town.objects.annotate(n=Count("villages")).order_by("-n", "pk").first()
    officer = User.objects.filter(username="bench-officer").first()
    if officer is None:
        officer = User.objects.create_user("bench-officer", password=None, is_staff=True)
        officer.groups.add(Group.objects.get(name="officer"))
        town.officers.add(officer)
    households = Household.objects.filter(village__town=town).count()
    entries = Entry.objects.filter(household__village__town=town).count()
    NOTES.append(
        f"c) the county: {Household.objects.count():,} households, {Entry.objects.count():,} entries; "
        f"the town {town.name}: {town.villages.count()} villages, {households:,} households, {entries:,} entries."
    )
    client = Client()
    client.force_login(officer)
    today = date.today()
    urls = {
        "the past year": "/reports/",
        "the past two years": f"/reports/?start={today - timedelta(days=730)}&end={today}",
    }
    county = Client()
    county.force_login(User.objects.get(username="bench"))
    big = Village.objects.get(code="bench-big")
    village = Client()
    village.force_login(clerk_of(big))
    readers = (
        (f"clerk, {big.households.count():,} households", village),
        (f"officer, {households:,} households", client),
        (f"superuser, the whole county ({Household.objects.count():,})", county),
    )
    rows = []
    for who, reader in readers:
        for label, url in urls.items():
            fetch(reader, url)
            repeats = repeat or (3 if quick else 10)
            samples = [sample(lambda reader=reader, url=url: fetch(reader, url)) for _ in range(repeats)]
            rows.append(row("c", f"{who}, {label}", samples, goal_ms=GOALS_MS["town"]))
    return rows


# --- measuring -----------------------------------------------------------------------------------------


TITLES = {
    "a": f"a) roster import through the admin's resource: goal ≤ {GOALS_MS['import'] / 1000:.0f} s for 10,000",
    "b": f"b) a village's report page, a year of history: goal queries fixed, p95 ≤ {GOALS_MS['village']} ms",
    "c": f"c) the town report over the county: goal p95 ≤ {GOALS_MS['town']:,} ms",
}


def print_report(rows: list[dict], *, quick: bool) -> None:
    import platform

    size = "quick" if quick else "full"
    machine = f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    print(f"Xiangfeng clerk's tools bench ({size}) — {date.today()} — Python {platform.python_version()}, "
          f"{machine}, PostgreSQL {connection.pg_version // 10000}")  # fmt: skip
    for section, title in TITLES.items():
        chosen = [r for r in rows if r["section"] == section]
        if not chosen:
            continue
        print(f"\n{title}")
        print_rows(chosen, width=58)
    for note in NOTES:
        print(f"\nNote: {note}")


if __name__ == "__main__":
    main()
