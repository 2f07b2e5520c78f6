"""Figures for the REST API under load, over HTTP on gunicorn and PostgreSQL. Not a test: it prints.

    .venv/bin/python bench/api.py [--seconds 20] [--quick] [--pg-url URL]

Creates the PostgreSQL database `xiangfeng_bench_api` (dropped before and after), migrates it,
and makes a village of 1,000 households with 1,000,000 points each and 25 entries of history each
(25,000 entries), a shop with four goods in large stock, its shopkeeper and the village's clerk,
each with an API token. Starts gunicorn (4 sync workers, debug off) on a free loopback port, then
16 client processes drive, one view after the other, for `--seconds` each:

- `GET /api/households/{id}/entries/` as the clerk, a random household each time (the first page,
  50 entries);
- `POST /api/redemptions/` as the shopkeeper, one unit of a random good for a random household,
  with a fresh `Idempotency-Key` each time;
- `/healthz/`, which touches no database: the same server's throughput on a trivial view.

The clients, the server and its helpers are `bench/counter.py`'s and `bench/counter_clients.py`'s;
this script adds the two API steps. Afterwards it counts the redemptions in the database against
the clients' count, times one request of each kind in process (queries, CPU), and runs `reconcile`.
"""

import argparse
import os
import platform
import random
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import counter_clients  # noqa: E402
from bench.counter import gunicorn, manage, ms, part, postgres_database, server_env  # noqa: E402
from bench.counter_clients import Browser, drive, fail  # noqa: E402

PG_URL = "postgres://postgres@127.0.0.1:5432/xiangfeng_bench_api"
HOUSEHOLDS = 1000
HISTORY = 25  # entries per household, besides its opening
GOODS = [("食盐（400克）", "包", 3), ("洗衣皂", "块", 4), ("挂面", "把", 6), ("酱油（500毫升）", "瓶", 9)]


def entries_once(browser: Browser, world: dict, rnd: random.Random, tally: dict) -> None:
    household = rnd.choice(world["households"])
    headers = {"Authorization": f"Token {world['clerk_token']}"}
    started = time.perf_counter()
    status, _location, text = browser.request("GET", f"/api/households/{household}/entries/", headers=headers)
    elapsed = time.perf_counter() - started
    if status != 200 or '"results"' not in text:
        return fail(tally, f"entries {status}", text)
    tally["ok"] += 1
    tally["latencies"].append(elapsed)


def redeem_once(browser: Browser, world: dict, rnd: random.Random, tally: dict) -> None:
    body = {
        "household": rnd.choice(world["households"]),
        "shop": world["shop"],
        "lines": [{"product": rnd.choice(world["products"]), "quantity": 1}],
    }
    headers = {"Authorization": f"Token {world['shop_token']}", "Idempotency-Key": uuid.uuid4().hex}
    started = time.perf_counter()
    status, _location, text = browser.request("POST", "/api/redemptions/", json_body=body, headers=headers)
    elapsed = time.perf_counter() - started
    if status != 201:
        return fail(tally, f"redemption {status}", text)
    tally["ok"] += 1
    tally["latencies"].append(elapsed)


counter_clients.STEPS.update(api_entries=entries_once, api_redeem=redeem_once)


DEFAULT_SECONDS = 20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--seconds", type=float, help=f"how long each view is driven (default {DEFAULT_SECONDS}, 5 with --quick)"
    )
    parser.add_argument("--quick", action="store_true", help="5 s a view: a smoke check of the script")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--pg-url", default=PG_URL, help=f"the PostgreSQL bench database (default {PG_URL})")
    parser.add_argument("--part", choices=["setup", "count", "queries"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.part:
        return run_part(args.part)
    seconds = args.seconds or (5 if args.quick else DEFAULT_SECONDS)
    load_before = os.getloadavg()[0]
    work = Path(tempfile.mkdtemp(prefix="xf-api-"))
    try:
        with postgres_database(args.pg_url) as url:
            env = server_env(url, work / "static")
            manage("migrate", "--noinput", "-v0", env=env)
            world = part("setup", env, script=__file__)
            with gunicorn(env, workers=args.workers, log=work / "gunicorn.log") as port:
                runs = {
                    view: drive(view, port, world, clients=args.clients, seconds=seconds)
                    for view in ("api_entries", "api_redeem", "healthz")
                }
            counted = part("count", env, script=__file__)
            queries = part("queries", env, world, script=__file__)
            reconcile = manage("reconcile", env=env, check=False)
            log_tail = (work / "gunicorn.log").read_text(errors="replace").strip().splitlines()[-3:]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report(world, runs, counted, queries, reconcile, log_tail, args, seconds, (load_before, os.getloadavg()[0]))


def report(world, runs, counted, queries, reconcile, log_tail, args, seconds, load) -> None:
    print(
        f"Xiangfeng API bench — {time.strftime('%Y-%m-%d')} — Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs (load average {load[0]:.1f} before, {load[1]:.1f} after)\n"
        f"{world['database']}; gunicorn {args.workers} sync workers; {args.clients} client processes, "
        f"{seconds:g} s a view; {HOUSEHOLDS:,} households with {HISTORY + 1} entries each"
    )
    labels = {
        "api_entries": "GET /api/households/{id}/entries/",
        "api_redeem": "POST /api/redemptions/",
        "healthz": "GET /healthz/ (trivial view)",
    }
    print(f"\n  {'view':<36} {'requests':>8} {'req/s':>8} {'p50':>9} {'p95':>9} {'errors':>6}")
    for view, run in runs.items():
        print(
            f"  {labels[view]:<36} {run['ok']:>8,} {run['rate']:>8,.1f} {ms(run['p50']):>9} {ms(run['p95']):>9} "
            f"{run['errors']:>6}"
        )
    health = runs["healthz"]["rate"]
    for view in ("api_entries", "api_redeem"):
        print(f"  {labels[view]}: {runs[view]['rate'] / health:.2f} × the trivial view's requests/s")
    redeem = runs["api_redeem"]
    made = redeem["ok"] + redeem["warm_ok"]
    code = reconcile.returncode
    last = (reconcile.stdout + reconcile.stderr).strip().splitlines()[-1:]
    print(f"\n  redemptions in the database {counted['redemptions']:,}; the clients made {made:,}")
    print(f"  reconcile exit {code}: {' '.join(last)}")
    print("  one request in process, on the idle server:")
    for label, q in queries.items():
        print(f"    {label:<36} {q['queries']:>2} queries, {q['cpu_ms']:5.1f} ms CPU, {q['ms']:5.1f} ms")
    for run in runs.values():
        for sample in run["samples"]:
            print(f"  error sample: {sample}")
    if any(run["errors"] for run in runs.values()):
        print(f"  server log, last lines: {' | '.join(log_tail)}")


def run_part(name: str) -> None:
    """Runs in a child process with the bench database's environment."""
    import json

    import django

    django.setup()
    from django.db import connection

    from exchange.models import Redemption

    if name == "setup":
        world = make_world()
        version = f"PostgreSQL {connection.pg_version // 10000}.{connection.pg_version % 10000}"
        print(json.dumps({**world, "database": version}))
    elif name == "count":
        print(json.dumps({"redemptions": Redemption.objects.count()}))
    else:
        print(json.dumps(count_queries(json.loads(os.environ["BENCH_WORLD"]))))


def make_world() -> dict:
    from datetime import date, timedelta

    from django.contrib.auth.models import Group, User
    from django.db import transaction
    from django.utils import timezone

    from accounts.tokens import api_token_create
    from credits.selectors import site_template
    from credits.services import catalogue_adopt_template, entry_record_batch, household_open
    from exchange.models import Product, Shop
    from exchange.services import product_restock
    from households.models import Household, Town, Village

    with transaction.atomic():
        superuser = User.objects.create_superuser("bench", password=None)
        village = Village.objects.create(code="bench", name="基准村", town=Town.objects.create(name="基准镇"))
        clerk = User.objects.create_user("benchclerk", password=None, is_staff=True)
        clerk.groups.add(Group.objects.get(name="clerk"))
        village.clerks.add(clerk)
        shopkeeper = User.objects.create_user("benchshop", password=None, is_staff=True)
        shopkeeper.groups.add(Group.objects.get(name="shopkeeper"))
        shop = Shop.objects.create(village=village, name="基准村兑换超市")
        shop.shopkeepers.add(shopkeeper)
        products = []
        for position, (name, unit, price) in enumerate(GOODS):
            product = Product.objects.create(shop=shop, name=name, unit=unit, price=price, position=position)
            product_restock(product=product, quantity=100_000, by=superuser, note="bench")
            products.append(product.pk)
        # Opened before the history recorded for them below: the ledger refuses a deed before an opening.
        opened_on = timezone.localdate() - timedelta(days=7 * HISTORY)
        for i in range(HOUSEHOLDS):
            household_open(
                village=village,
                number=f"{i:05d}",
                head_name="王建国",
                by=superuser,
                opening_points=1_000_000,
                opened_on=opened_on,
            )
    households = list(Household.objects.filter(village=village))
    version = catalogue_adopt_template(
        village=village,
        template=site_template(),
        name="基准村规民约",
        meeting="基准",
        effective_from=date(2000, 1, 1),
        by=superuser,
    )
    rules = list(version.rules.filter(active=True, cap_per_year__isnull=True, cap_per_month__isnull=True))
    today = timezone.localdate()
    for n in range(HISTORY):
        entry_record_batch(
            households=households, rule=rules[n % len(rules)], occurred_on=today - timedelta(days=7 * n), by=superuser
        )
    return {
        "shop": shop.pk,
        "products": products,
        "households": [household.pk for household in households],
        "clerk_token": api_token_create(user=clerk)[0],
        "shop_token": api_token_create(user=shopkeeper)[0],
    }


def count_queries(world: dict) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    found = {}

    def measure(label, token, method, path, body=None, **headers):
        client = APIClient(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {token}")
        started, cpu = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as queries:
            response = getattr(client, method)(path, body, format="json", **headers)
        found[label] = {
            "queries": len(queries),
            "ms": (time.perf_counter() - started) * 1000,
            "cpu_ms": (time.process_time() - cpu) * 1000,
            "status": response.status_code,
        }

    household, product = world["households"][-1], world["products"][0]
    body = {"household": household, "shop": world["shop"], "lines": [{"product": product, "quantity": 1}]}
    for _warm_up in range(2):
        measure("GET entries", world["clerk_token"], "get", f"/api/households/{household}/entries/")
        measure(
            "POST redemption",
            world["shop_token"],
            "post",
            "/api/redemptions/",
            body,
            HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex,
        )
    return found


if __name__ == "__main__":
    main()
