"""Figures for the redemption counter under load, over HTTP. Not a test: it prints.

    .venv/bin/python bench/counter.py [--seconds 30] [--quick] [--only postgresql|sqlite]

For PostgreSQL and then for a temporary SQLite file: creates a database (PostgreSQL:
`xiangfeng_bench_counter`, dropped afterwards), migrates it, makes a shop with a shopkeeper, four
cheap goods with large stock and 1,000 households with large balances, and starts gunicorn with
4 workers on a free loopback port, with debug off. Then 16 client processes (`counter_clients.py`),
each logged in as the shopkeeper, redeem for `--seconds`: each loop GETs a household's counter
page (for the CSRF token and a fresh idempotency key), POSTs one unit of a good and follows the
redirect to the receipt; the POST and the receipt are timed. The same loop runs first with 4
clients (the latency goal), then with `--clients`. Then as many clients, logged in, GET the bench's
view that reads one household (`household_urls.py`, served by this bench's gunicorn only, through
`household_settings.py`) for as long: the yardstick. Afterwards `manage.py reconcile` runs against
the bench database, and the redemptions in the database are counted against the clients' count.

Goals (issue 17): with 4 clients the redemption's p95 ≤ 50 ms; with 16, redemptions/s ≥ 0.3 × the
one-household view's requests/s on the same server; no errors; reconcile clean; on SQLite no
"database is locked", in answers or in the server's log. In process: the POST in ≤ 9 statements,
its CPU ≤ 2.5 × the one-household view's.
"""

import argparse
import http.client
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.counter_clients import KEY_FIELD, LOCKED, drive  # noqa: E402

PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
PG_URL = "postgres://postgres@127.0.0.1:5432/xiangfeng_bench_counter"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
HOUSEHOLDS = 1000
CPU_ROUNDS = 30  # the POST and the one-household view, in turns
FEW_CLIENTS = 4  # the latency goal's clients
GOODS = [("食盐（400克）", "包", 3), ("洗衣皂", "块", 4), ("挂面", "把", 6), ("酱油（500毫升）", "瓶", 9)]


DEFAULT_SECONDS = 30


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--seconds", type=float, help=f"how long each view is driven (default {DEFAULT_SECONDS}, 5 with --quick)"
    )
    parser.add_argument("--quick", action="store_true", help="5 s a view: a smoke check of the script")
    parser.add_argument("--only", choices=["postgresql", "sqlite"], help="one database instead of both")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--pg-url", default=PG_URL, help=f"the PostgreSQL bench database (default {PG_URL})")
    parser.add_argument(
        "--conn-max-age",
        type=int,
        help="set DATABASE_CONN_MAX_AGE for the server (default: the settings' default, a connection per request)",
    )
    parser.add_argument("--part", choices=["setup", "count", "queries"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.part:
        return run_part(args.part)
    seconds = args.seconds or (5 if args.quick else DEFAULT_SECONDS)
    load_before = os.getloadavg()[0]

    work = Path(tempfile.mkdtemp(prefix="xf-counter-"))
    try:
        static_root = work / "static"
        # Debug is off, so the pages' CSS comes from the manifest that only collectstatic writes.
        manage("collectstatic", "--noinput", "-v0", env=server_env(f"sqlite:///{work / 'none.sqlite3'}", static_root))
        results = []
        if args.only in (None, "postgresql"):
            with postgres_database(args.pg_url) as url:
                results.append(bench(url, static_root, work, args, seconds))
        if args.only in (None, "sqlite"):
            results.append(bench(f"sqlite:///{work / 'bench.sqlite3'}", static_root, work, args, seconds))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print_report(results, args, seconds, load=(load_before, os.getloadavg()[0]))


# --- the server side ------------------------------------------------------------------------------


def server_env(url: str, static_root: Path, conn_max_age: int | None = None) -> dict[str, str]:
    extra = {} if conn_max_age is None else {"DATABASE_CONN_MAX_AGE": str(conn_max_age)}
    return {
        **os.environ,
        **extra,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "bench.household_settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_HTTPS": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_STATIC_ROOT": str(static_root),
    }


def manage(*command: str, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, capture_output=True, text=True)
    if check and done.returncode:
        raise SystemExit(f"manage.py {' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return done


def part(name: str, env: dict[str, str], world: dict | None = None, *, script: str = __file__) -> dict:
    """Run `script --part name` in a child process with the bench database's environment."""
    env = {**env, "BENCH_WORLD": json.dumps(world or {})}
    done = subprocess.run([PYTHON, script, "--part", name], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"bench part {name} failed:\n{done.stderr}")
    return json.loads(done.stdout.splitlines()[-1])


@contextmanager
def postgres_database(url: str):
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name or parts.hostname not in LOOPBACK:
        raise SystemExit(f"Refusing {url}: the database must be on this machine and its name contain 'bench'.")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def gunicorn(env: dict[str, str], *, workers: int, log: Path):
    port = free_port()
    with log.open("w") as out:
        server = subprocess.Popen(
            [GUNICORN, "config.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{port}", "--timeout", "60"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while not answers(port):
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"gunicorn did not start:\n{log.read_text()[-2000:]}")
                time.sleep(0.2)
            yield port
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(port: int) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        conn.request("GET", "/healthz/")
        return conn.getresponse().status == 200
    except OSError:
        return False


def bench(url: str, static_root: Path, work: Path, args, seconds: float) -> dict:
    env = server_env(url, static_root, args.conn_max_age)
    manage("migrate", "--noinput", "-v0", env=env)
    world = part("setup", env)
    log = work / f"gunicorn-{world['vendor']}.log"
    with gunicorn(env, workers=args.workers, log=log) as port:
        few = drive("redeem", port, world, clients=min(FEW_CLIENTS, args.clients), seconds=seconds)
        redeem = drive("redeem", port, world, clients=args.clients, seconds=seconds)
        household = drive("household", port, world, clients=args.clients, seconds=seconds)
    counted = part("count", env)
    # After the count: it makes one more redemption, through the services like any other.
    queries = part("queries", env, world)
    reconcile = manage("reconcile", env=env, check=False)
    return {
        "queries": queries,
        "database": world["database"],
        "few": few,
        "redeem": redeem,
        "household": household,
        "reconcile": (reconcile.returncode, (reconcile.stdout + reconcile.stderr).strip().splitlines()[-1:]),
        "in_db": counted["redemptions"],
        "locked_in_log": log.read_text(errors="replace").count(LOCKED),
        "log_tail": log.read_text(errors="replace").strip().splitlines()[-3:],
    }


def run_part(name: str) -> None:
    """Runs in a child process with the bench database's environment."""
    import django

    django.setup()
    from django.db import connection

    from exchange.models import Redemption

    if name == "setup":
        world = make_world()
        vendor = connection.vendor
        if vendor == "postgresql":
            version = f"PostgreSQL {connection.pg_version // 10000}.{connection.pg_version % 10000}"
        else:
            import sqlite3

            version = f"SQLite {sqlite3.sqlite_version}"
        print(json.dumps({**world, "vendor": vendor, "database": version}))
    elif name == "count":
        print(json.dumps({"redemptions": Redemption.objects.count()}))
    else:
        print(json.dumps(count_queries(json.loads(os.environ["BENCH_WORLD"]))))


def count_queries(world: dict) -> dict:
    """One redemption by one client on an idle server, in process: queries and time per request."""
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username="benchshop"))
    shop, household, product = world["shop"], world["households"][-1], world["products"][0]
    found = {}

    def measure(label, method, path, data=None):
        started, cpu = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as queries:
            response = getattr(client, method)(path, data) if data else getattr(client, method)(path)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        commit = sum(float(q["time"]) for q in queries.captured_queries if q["sql"].startswith("COMMIT"))
        sql = [q["sql"] for q in queries.captured_queries]
        found[label] = {
            "queries": len(queries),
            "statements": len([s for s in sql if not s.startswith("BEGIN") and s != "COMMIT"]),
            "ms": elapsed * 1000,
            "cpu_ms": cpu * 1000,
            "commit_ms": commit * 1000,
        }
        return response

    with override_settings(ROOT_URLCONF="bench.household_urls"):
        for _warm_up in range(2):
            page = measure("household page", "get", f"/counter/{shop}/h/{household}/").content.decode()
            key = KEY_FIELD.search(page).group(1)
            done = measure("POST", "post", f"/counter/{shop}/h/{household}/", {"key": key, f"qty_{product}": "1"})
            measure("receipt", "get", done["Location"])
            measure("one household", "get", f"/bench/household/{household}/")
        measure("healthz", "get", "/healthz/")
        # The POST's CPU against the one-household view's, taken in turns, medians of CPU_ROUNDS.
        # The whole loop's too: its three requests against one read bound the throughput ratio.
        post_cpu, view_cpu, loop_cpu = [], [], []
        for _round in range(CPU_ROUNDS):
            cpu = time.process_time()
            page = client.get(f"/counter/{shop}/h/{household}/").content.decode()
            page_cpu = time.process_time() - cpu
            data = {"key": KEY_FIELD.search(page).group(1), f"qty_{product}": "1"}
            cpu = time.process_time()
            done = client.post(f"/counter/{shop}/h/{household}/", data)
            post_cpu.append(time.process_time() - cpu)
            cpu = time.process_time()
            client.get(done["Location"])
            loop_cpu.append(page_cpu + post_cpu[-1] + time.process_time() - cpu)
            cpu = time.process_time()
            client.get(f"/bench/household/{household}/")
            view_cpu.append(time.process_time() - cpu)
    post, view, loop = statistics.median(post_cpu), statistics.median(view_cpu), statistics.median(loop_cpu)
    found["cpu"] = {"post_ms": post * 1000, "view_ms": view * 1000, "loop_ms": loop * 1000, "rounds": CPU_ROUNDS}
    return found


def make_world() -> dict:
    """A shop with its shopkeeper, cheap goods in large stock, and households with large balances."""
    from django.contrib.auth.models import Group, User
    from django.db import transaction

    from credits.services import household_open
    from exchange.models import Product, Shop
    from exchange.services import product_restock
    from households.models import Town, Village

    password = secrets.token_urlsafe(16)
    with transaction.atomic():
        superuser = User.objects.create_superuser("bench", password=None)
        shopkeeper = User.objects.create_user("benchshop", password=password, is_staff=True)
        shopkeeper.groups.add(Group.objects.get(name="shopkeeper"))
        village = Village.objects.create(code="bench", name="基准村", town=Town.objects.create(name="基准镇"))
        shop = Shop.objects.create(village=village, name="基准村兑换超市")
        shop.shopkeepers.add(shopkeeper)
        products = []
        for position, (name, unit, price) in enumerate(GOODS):
            product = Product.objects.create(shop=shop, name=name, unit=unit, price=price, position=position)
            product_restock(product=product, quantity=100_000, by=superuser, note="bench")
            products.append(product.pk)
        households = [
            household_open(
                village=village, number=f"{i:05d}", head_name="王建国", by=superuser, opening_points=1_000_000
            ).pk
            for i in range(HOUSEHOLDS)
        ]
    return {"shop": shop.pk, "products": products, "households": households, "password": password}


# --- the report --------------------------------------------------------------------------------------


def print_report(results: list[dict], args, seconds: float, *, load: tuple[float, float]) -> None:
    conn = "a database connection per request" if args.conn_max_age is None else f"CONN_MAX_AGE={args.conn_max_age}"
    print(
        f"Xiangfeng counter bench — {time.strftime('%Y-%m-%d')} — Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs (load average {load[0]:.1f} before, {load[1]:.1f} after)\n"
        f"gunicorn {args.workers} sync workers, {conn}; {args.clients} client processes, "
        f"{seconds:g} s a view, {HOUSEHOLDS:,} households"
    )
    print(f"\n  {'database':<17} {'view':<36} {'requests':>8} {'req/s':>8} {'p50':>9} {'p95':>9} {'errors':>6}")
    for r in results:
        few, red, one = r["few"], r["redeem"], r["household"]
        rows = [
            (f"redeem, {few_clients(args)} clients: POST + receipt", few["ok"], few["rate"], few["p50"], few["p95"],
             few["errors"]),
            (f"redeem, {args.clients} clients: POST + receipt", red["ok"], red["rate"], red["p50"], red["p95"],
             red["errors"]),
            ("  household page GET (not timed)", red["pages"], None, red["pages_p50"], red["pages_p95"], None),
            (f"one household, {args.clients} clients", one["ok"], one["rate"], one["p50"], one["p95"], one["errors"]),
        ]  # fmt: skip
        for i, (view, n, rate, p50, p95, errors) in enumerate(rows):
            rate_text = "" if rate is None else f"{rate:,.1f}"
            errors_text = "" if errors is None else str(errors)
            database = r["database"] if i == 0 else ""
            print(f"  {database:<17} {view:<36} {n:>8,} {rate_text:>8} {ms(p50):>9} {ms(p95):>9} {errors_text:>6}")
    print("\nGoals")
    for r in results:
        few, red, one = r["few"], r["redeem"], r["household"]
        ratio = red["rate"] / one["rate"] if one["rate"] else 0
        code, last = r["reconcile"]
        made = few["ok"] + few["warm_ok"] + red["ok"] + red["warm_ok"]
        errors = few["errors"] + red["errors"] + one["errors"]
        checks = [
            (f"redeem p95 with {few_clients(args)} clients = {ms(few['p95'])} (≤ 50 ms)", few["p95"] <= 0.050),
            (f"redemptions/s ÷ one-household req/s with {args.clients} clients = {ratio:.2f} (≥ 0.3)", ratio >= 0.3),
            (f"errors = {few['errors'] + red['errors']} redeeming, {one['errors']} reading (0)", errors == 0),
            (f"reconcile exit {code}: {' '.join(last)}", code == 0),
            (f"redemptions in the database {r['in_db']:,} = the clients' {made:,}", r["in_db"] == made),
        ]
        if r["database"].startswith("SQLite"):
            locked = few["locked"] + red["locked"] + one["locked"] + r["locked_in_log"]
            checks.append((f"'{LOCKED}': {locked} (in answers or the server's log)", locked == 0))
        print(f"  {r['database']}")
        for text, ok in checks:
            print(f"    {'met   ' if ok else 'MISSED'} {text}")
        print("    one redemption in process, on the idle server (Python's CPU time; wall time; the COMMIT's):")
        measured = dict(r["queries"])
        cpu = measured.pop("cpu")
        for label, q in measured.items():
            commit = f", COMMIT {q['commit_ms']:.1f} ms" if q["commit_ms"] else ""
            print(
                f"      {label:<15} {q['statements']:>2} statements ({q['queries']} with BEGIN/COMMIT), "
                f"{q['cpu_ms']:5.1f} ms CPU, {q['ms']:5.1f} ms{commit}"
            )
        post = measured["POST"]["statements"]
        print(f"    {'met   ' if post <= 9 else 'MISSED'} the redemption POST in {post} statements (≤ 9)")
        ratio = cpu["post_ms"] / cpu["view_ms"]
        print(
            f"    {'met   ' if ratio <= 2.5 else 'MISSED'} POST CPU ÷ one-household view CPU = {ratio:.2f} (≤ 2.5): "
            f"{cpu['post_ms']:.1f} ms ÷ {cpu['view_ms']:.1f} ms, medians of {cpu['rounds']} interleaved rounds"
        )
        bound = cpu["view_ms"] / cpu["loop_ms"]
        print(
            f"    the loop (page, POST, receipt) costs {cpu['loop_ms']:.1f} ms CPU, {1 / bound:.1f} × the one-"
            f"household view's: where CPU is the limit, redemptions/s ÷ its req/s can reach at most {bound:.2f}"
        )
        for sample in few["samples"] + red["samples"] + one["samples"]:
            print(f"    error sample: {sample}")
        if errors:
            print(f"    server log, last lines: {' | '.join(r['log_tail'])}")


def few_clients(args) -> int:
    return min(FEW_CLIENTS, args.clients)


def ms(seconds: float) -> str:
    return "" if seconds != seconds else f"{seconds * 1000:,.1f} ms"


if __name__ == "__main__":
    main()
