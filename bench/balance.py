"""Balance reads: a household's score and balance against django-hordak's `Account.get_balance()`.

    .venv/bin/python bench/balance.py [--legs 20000] [--reads 2000] [--rounds 5] [--quick]

Two processes, each with a database of its own on the same PostgreSQL server, as in `posting.py`:
Xiangfeng (this venv) and django-hordak 2 in its throwaway virtual environment (`--hordak-venv`,
/tmp/hordak-venv, made with pip if missing; never a dependency of Xiangfeng). Each side first
writes a long account (`--legs` postings: entries of one household, legs of one hordak account)
and a short one (10), the way the application writes them (`entry_record`, `transfer_to`). Then
they take turns, `--rounds` times in alternating order, each reading one account `--reads` times:
Xiangfeng loads the household (`Household.objects.get`, as its pages do) and reads its score and
balance; hordak calls `get_balance()` on an account it already holds. It prints the median time
of one read on each side, their ratio and `met`/`MISSED` against the goals (≤ 0.1 × hordak on the
long account, ≤ 0.3 × on the short one).

The machine may be shared: read the ratios, measured side by side, rather than the times.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.posting import PG_URL, Child, bench_village, hordak_venv  # noqa: E402

GOALS = {"long": 0.1, "short": 0.3}
SHORT = 10


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--legs", type=int, default=20_000, help="postings on the long account (default 20000)")
    parser.add_argument("--reads", type=int, default=2_000, help="reads of an account a turn (default 2000)")
    parser.add_argument("--rounds", type=int, default=5, help="turns of each, interleaved (default 5, at least 3)")
    parser.add_argument("--quick", action="store_true", help="200 legs, 3 rounds of 50 reads: a smoke check")
    parser.add_argument("--hordak-venv", default="/tmp/hordak-venv", help="the throwaway venv for django-hordak")
    parser.add_argument("--part", choices=["xiangfeng"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.part:
        return serve_xiangfeng()
    legs, reads, rounds = (200, 50, 3) if args.quick else (args.legs, args.reads, max(3, args.rounds))
    hordak_python = hordak_venv(Path(args.hordak_venv))
    from bench.counter import postgres_database

    base = urlsplit(PG_URL)
    name = base.path.lstrip("/")
    xf_url = base._replace(path=f"/{name}_bench_balance").geturl()
    hordak_url = base._replace(path=f"/{name}_bench_balance_hordak").geturl()
    load_before = os.getloadavg()[0]
    with postgres_database(xf_url), postgres_database(hordak_url):
        sides = {
            "xiangfeng": Child([sys.executable, __file__, "--part", "xiangfeng"], {"DATABASE_URL": xf_url}),
            "hordak": Child(
                [str(hordak_python), str(ROOT / "bench" / "posting_hordak.py")], {"HORDAK_DATABASE_URL": hordak_url}
            ),
        }
        try:
            for child in sides.values():
                child.ask(f"fill long {legs}")
                child.ask(f"fill short {SHORT}")
            for child in sides.values():  # warm-up: connections and the first pages of the tables
                for account in GOALS:
                    child.ask(f"balance {account} {max(10, reads // 10)}")
            times: dict[tuple[str, str], list[float]] = {}
            order = list(sides)
            for _round in range(rounds):
                for account in GOALS:
                    for side in order:
                        seconds = float(sides[side].ask(f"balance {account} {reads}"))
                        times.setdefault((side, account), []).append(seconds / reads)
                order.reverse()
        finally:
            for child in sides.values():
                child.close()
    report(times, legs=legs, reads=reads, rounds=rounds, load=(load_before, os.getloadavg()[0]))


def serve_xiangfeng() -> None:
    """Answers `fill NAME N` (a household with N entries, through `entry_record`) and `balance NAME
    N` (N reads of its score and balance, seconds) on stdin/stdout, like posting_hordak.py."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ["DJANGO_HTTPS"] = "0"
    import django

    django.setup()
    from datetime import date

    from django.utils import timezone

    from credits.services import entry_record, household_open
    from households.models import Household

    first, rule, clerk, superuser = bench_village()
    today = timezone.localdate()
    filled: dict[str, int] = {}
    print("ready", flush=True)
    for line in sys.stdin:
        command, *rest = line.split()
        if command == "quit":
            break
        if command == "fill":
            number = f"{len(filled) + 2:04d}"
            household = household_open(
                village=first.village, number=number, head_name="李秀英", by=superuser, opened_on=date(2000, 1, 1)
            )
            for _ in range(int(rest[1])):  # each in a transaction of its own, as the clerk's are
                entry_record(household=household, rule=rule, occurred_on=today, by=clerk)
            filled[rest[0]] = household.pk
            print("done", flush=True)
        elif command == "balance":
            pk, n = filled[rest[0]], int(rest[1])
            started = time.perf_counter()
            for _ in range(n):
                household = Household.objects.get(pk=pk)
                household.score, household.balance  # noqa: B018 — what a page reads
            print(f"{time.perf_counter() - started:.6f}", flush=True)


def report(times: dict, *, legs: int, reads: int, rounds: int, load) -> None:
    import platform

    print(f"Balance read bench — {time.strftime('%Y-%m-%d %H:%M')} — Python {platform.python_version()}, "
          f"{os.cpu_count()} CPUs, load average {load[0]:.1f} before, {load[1]:.1f} after")  # fmt: skip
    print(f"{rounds} interleaved rounds of {reads} reads of each account, same PostgreSQL server\n")
    sizes = {"long": legs, "short": SHORT}
    for account, goal in GOALS.items():
        xiangfeng = statistics.median(times[("xiangfeng", account)])
        hordak = statistics.median(times[("hordak", account)])
        ratio = xiangfeng / hordak
        print(f"  {sizes[account]:>7,} postings: Xiangfeng {xiangfeng * 1e3:.3f} ms a read, "
              f"hordak get_balance() {hordak * 1e3:.3f} ms — {ratio:.3f}×, goal ≤ {goal}×: "
              f"{'met' if ratio <= goal else 'MISSED'}")  # fmt: skip
    print("\n  Xiangfeng reads the household's row (score and balance are kept on it by the ledger's")
    print("  services and proved by reconcile); hordak sums the account's legs.")


if __name__ == "__main__":
    main()
