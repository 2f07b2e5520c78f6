"""The baseline of `posting.py`: django-hordak's `Account.transfer_to`, in a process of its own.

Runs under the throwaway virtual environment that `posting.py` makes (/tmp/hordak-venv, never a
dependency of Xiangfeng) and imports nothing of Xiangfeng. It migrates its own database, opens two
accounts, then answers `posting.py` (and `balance.py`) on stdin/stdout: "run N" makes N transfers,
each in its own transaction (as `entry_record` is), and prints the seconds they took and the seconds
of it their COMMITs took; "fill NAME N"
opens an account NAME with N transfers into it (N legs on it) and prints "done"; "balance NAME N"
reads that account's `get_balance()` N times and prints the seconds they took; "quit" ends it.
"""

import os
import sys
import time
from urllib.parse import urlsplit

import django
from django.conf import settings

url = urlsplit(os.environ["HORDAK_DATABASE_URL"])
settings.configure(
    INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "mptt", "djmoney", "hordak"],
    DATABASES={
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": url.path.lstrip("/"),
            "USER": url.username or "postgres",
            "PASSWORD": url.password or "",
            "HOST": url.hostname,
            "PORT": url.port or 5432,
        }
    },
    USE_TZ=True,
    DEFAULT_CURRENCY="CNY",
    CURRENCIES=["CNY"],
    HORDAK_CURRENCIES=["CNY"],
    DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
)
django.setup()

from commits import time_commits  # noqa: E402  (bench/, this script's own folder, is on the path)
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from djmoney.money import Money  # noqa: E402
from hordak.models import Account  # noqa: E402


def main() -> None:
    call_command("migrate", verbosity=0)
    commits = time_commits(connection)
    source = Account.objects.create(name="积分来源", type=Account.TYPES.income, currencies=["CNY"])
    household = Account.objects.create(name="家庭户", type=Account.TYPES.asset, currencies=["CNY"])
    filled: dict[str, Account] = {}
    print("ready", flush=True)
    for line in sys.stdin:
        command = line.split()
        if command[0] == "quit":
            break
        if command[0] == "fill":
            filled[command[1]] = fill(source, command[1], int(command[2]))
            print("done", flush=True)
            continue
        if command[0] == "balance":
            account, n = filled[command[1]], int(command[2])
            started = time.perf_counter()
            for _ in range(n):
                account.get_balance()
            print(f"{time.perf_counter() - started:.6f}", flush=True)
            continue
        n = int(command[1])
        commits.clear()
        started = time.perf_counter()
        for _ in range(n):
            with transaction.atomic():
                source.transfer_to(household, Money(2, "CNY"))
        print(f"{time.perf_counter() - started:.6f} {sum(commits):.6f}", flush=True)


def fill(source: Account, name: str, legs: int) -> Account:
    """An asset account with `legs` transfers into it, made the way an application makes them."""
    account = Account.objects.create(name=name, type=Account.TYPES.asset, currencies=["CNY"])
    for _ in range(legs):
        with transaction.atomic():
            source.transfer_to(account, Money(2, "CNY"))
    return account


if __name__ == "__main__":
    main()
