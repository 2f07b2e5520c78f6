"""Posting speed: `entry_record` against django-hordak's `Account.transfer_to`, on the same PostgreSQL.

    .venv/bin/python bench/posting.py [--postings 300] [--rounds 5] [--quick]

Three processes, each with a database of its own on the same server: Xiangfeng (this venv), and
django-hordak 2 in a throwaway virtual environment (`--hordak-venv`, /tmp/hordak-venv, made here with
pip if missing; hordak is never a dependency of Xiangfeng). They take turns, `--rounds` times, in
alternating order (X H, H X, …), each making `--postings` postings one after another, each in a
transaction of its own: Xiangfeng's `entry_record` (an award by the village's clerk, scope checked),
its plain path (`entry_record_batch` of one household: what `entry_record` ran before) and hordak's
`transfer_to` between two accounts. It prints each one's median postings/s, the ratio of medians,
the statements a posting takes, and `met`/`MISSED` against the goal (entry_record ≥ 1.5 × hordak).

The machine may be shared: read the ratios, measured side by side, rather than the rates; the load
average is printed. Nothing fails on a slow figure.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
PG_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/xiangfeng")
if not PG_URL.startswith("postgres"):
    PG_URL = "postgres://postgres@127.0.0.1:5432/xiangfeng"
GOAL = 1.5
HORDAK = "django-hordak>=2,<3"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=300, help="postings a turn (default 300)")
    parser.add_argument("--rounds", type=int, default=5, help="turns of each, interleaved (default 5, at least 3)")
    parser.add_argument("--quick", action="store_true", help="3 rounds of 30: a smoke check of the script")
    parser.add_argument("--hordak-venv", default="/tmp/hordak-venv", help="the throwaway venv for django-hordak")
    parser.add_argument("--part", choices=["xiangfeng"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.part:
        return serve_xiangfeng()
    postings, rounds = (30, 3) if args.quick else (args.postings, max(3, args.rounds))
    hordak_python = hordak_venv(Path(args.hordak_venv))
    from bench.counter import postgres_database

    base = urlsplit(PG_URL)
    name = base.path.lstrip("/")
    xf_url = base._replace(path=f"/{name}_bench_posting").geturl()
    hordak_url = base._replace(path=f"/{name}_bench_hordak").geturl()
    load_before = os.getloadavg()[0]
    with postgres_database(xf_url), postgres_database(hordak_url):
        xiangfeng = Child([PYTHON, __file__, "--part", "xiangfeng"], {"DATABASE_URL": xf_url})
        hordak = Child(
            [str(hordak_python), str(ROOT / "bench" / "posting_hordak.py")], {"HORDAK_DATABASE_URL": hordak_url}
        )
        try:
            kinds = {"entry_record": (xiangfeng, "run"), "plain path": (xiangfeng, "plain"), "hordak": (hordak, "run")}
            for child, command in kinds.values():  # warm-up: connections, caches, the first pages of the tables
                child.ask(f"{command} {max(10, postings // 5)}")
            rates: dict[str, list[float]] = {kind: [] for kind in kinds}
            commits: dict[str, list[float]] = {kind: [] for kind in kinds}
            order = list(kinds)
            for _round in range(rounds):
                for kind in order:
                    child, command = kinds[kind]
                    seconds, committing = (float(part) for part in child.ask(f"{command} {postings}").split())
                    rates[kind].append(postings / seconds)
                    commits[kind].append(committing / postings * 1000)
                order.reverse()
            statements = json.loads(xiangfeng.ask("statements"))
            xiangfeng.ask("reconcile")
        finally:
            xiangfeng.close()
            hordak.close()
    report(rates, commits, statements, postings=postings, rounds=rounds, load=(load_before, os.getloadavg()[0]))


class Child:
    """A bench process answering one line per command on its stdout."""

    def __init__(self, command: list[str], env: dict[str, str]):
        self.process = subprocess.Popen(
            command, cwd=ROOT, env={**os.environ, **env}, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        if self.process.stdout.readline().strip() != "ready":
            raise SystemExit(f"{command[-1]} did not start")

    def ask(self, command: str) -> str:
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline().strip()
        if not answer:
            raise SystemExit(f"no answer to {command!r}")
        return answer

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.write("quit\n")
            self.process.stdin.flush()
            self.process.wait(timeout=60)


def hordak_venv(path: Path) -> Path:
    python = path / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", HORDAK, "Django>=5.2,<5.3", "psycopg[binary]"], check=True
        )
    return python


# --- Xiangfeng's side, in a child process ---------------------------------------------------------


def bench_village():
    """Migrate, and open a village with a clerk, an adopted catalogue with one award (+2) and its
    household 0001: (household, rule, clerk, superuser). In the bench's own child process, after setup."""
    from datetime import date

    from django.contrib.auth.models import Group, User
    from django.core.management import call_command

    from credits.services import catalogue_create, domain_create, household_open, rule_create, version_adopt
    from households.models import Town, Village

    call_command("migrate", verbosity=0)
    superuser = User.objects.create_superuser("bench", password=None)
    clerk = User.objects.create_user("benchclerk", password=None, is_staff=True)
    clerk.groups.add(Group.objects.get(name="clerk"))
    village = Village.objects.create(code="bench", name="基准村", town=Town.objects.create(name="基准镇"))
    village.clerks.add(clerk)
    long_ago = date(2000, 1, 1)
    household = household_open(village=village, number="0001", head_name="王建国", by=superuser, opened_on=long_ago)
    catalogue = catalogue_create(name="基准村规民约", village=village, by=superuser)
    draft = catalogue.versions.get()
    domain = domain_create(version=draft, name="基准领域", by=superuser)
    rule = rule_create(domain=domain, name="志愿服务", points=2, by=superuser)
    version_adopt(version=draft, meeting="基准", adopted_on=long_ago, effective_from=long_ago, by=superuser)
    return household, rule, clerk, superuser


def serve_xiangfeng() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ["DJANGO_HTTPS"] = "0"
    import django

    django.setup()
    from io import StringIO

    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from bench.commits import time_commits
    from credits.services import entry_record, entry_record_batch

    household, rule, clerk, _superuser = bench_village()
    today = timezone.localdate()
    commits = time_commits(connection)

    def record():
        entry_record(household=household, rule=rule, occurred_on=today, by=clerk)

    def plain():
        entry_record_batch(households=[household], rule=rule, occurred_on=today, by=clerk)

    print("ready", flush=True)
    for line in sys.stdin:
        command, *rest = line.split()
        if command == "quit":
            break
        if command in ("run", "plain"):
            post = record if command == "run" else plain
            commits.clear()
            started = time.perf_counter()
            for _ in range(int(rest[0])):
                post()
            print(f"{time.perf_counter() - started:.6f} {sum(commits):.6f}", flush=True)
        elif command == "statements":
            counts = {}
            for label, post in (("entry_record", record), ("plain path", plain)):
                with CaptureQueriesContext(connection) as queries:
                    post()
                sql = [q["sql"] for q in queries.captured_queries]
                counts[label] = [len([s for s in sql if s not in ("BEGIN", "COMMIT")]), len(sql)]
            print(json.dumps(counts), flush=True)
        elif command == "reconcile":
            call_command("reconcile", stdout=StringIO())  # raises on any difference: the bench is broken
            print("clean", flush=True)


# --- the report ----------------------------------------------------------------------------------


def report(rates: dict[str, list[float]], commits: dict, statements: dict, *, postings: int, rounds: int, load):
    import platform

    medians = {kind: statistics.median(values) for kind, values in rates.items()}
    print(f"Posting bench — {time.strftime('%Y-%m-%d %H:%M')} — Python {platform.python_version()}, "
          f"{os.cpu_count()} CPUs, load average {load[0]:.1f} before, {load[1]:.1f} after")  # fmt: skip
    print(f"{rounds} interleaved rounds of {postings} sequential postings each, one transaction a posting, "
          f"same PostgreSQL server\n")  # fmt: skip
    print(f"  {'':<14} {'median/s':>9}  {'per round':<40} {'statements':>10}  {'ms a posting, of it COMMIT':>26}")
    for kind, values in rates.items():
        counted = statements.get(kind)
        note = f"{counted[0]} (+{counted[1] - counted[0]})" if counted else "3 (+2)"
        committing = statistics.median(commits[kind])
        print(f"  {kind:<14} {medians[kind]:>9,.0f}  {', '.join(f'{v:,.0f}' for v in values):<40} {note:>10}  "
              f"{1000 / medians[kind]:>15.2f}, {committing:.2f}")  # fmt: skip
    ratio = medians["entry_record"] / medians["hordak"]
    per_round = statistics.median(x / h for x, h in zip(rates["entry_record"], rates["hordak"], strict=True))
    print(f"\n  entry_record / hordak: {ratio:.2f}× (median of the rounds' ratios {per_round:.2f}×), "
          f"goal ≥ {GOAL}×: {'met' if ratio >= GOAL else 'MISSED'}")  # fmt: skip
    hordak_ms, commit_ms = 1000 / medians["hordak"], statistics.median(commits["entry_record"])
    print(f"  COMMIT (mostly the WAL's flush to disk, the same work on both sides) takes {commit_ms:.2f} ms of "
          f"entry_record; at {GOAL}× hordak a posting has {hordak_ms / GOAL:.2f} ms in all.")  # fmt: skip
    plain = medians["plain path"] / medians["hordak"]
    print(f"  plain path / hordak:   {plain:.2f}× (what entry_record ran before)")
    print("  statements: besides BEGIN and COMMIT (in brackets); hordak's transfer_to: 3 INSERTs.")
    print("  The ledger reconciles after the run.")


if __name__ == "__main__":
    main()
