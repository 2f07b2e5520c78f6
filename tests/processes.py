"""Django in processes of its own (`manage.py`, gunicorn) against the test database, as in production."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from django.db import connection

PROJECT = Path(__file__).resolve().parents[1]


def database_url_of_this_test() -> str:
    """The URL of the database this test is using, for a child process to share it."""
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    return urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{name}").geturl()


def django_env(database_url: str, **extra: str) -> dict[str, str]:
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "config.test_settings", "DATABASE_URL": database_url, **extra}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, PROJECT / "manage.py", *args], env=env, capture_output=True, text=True, timeout=300
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/readyz/", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@contextmanager
def app_servers(count: int, *, env: dict[str, str]):
    """`count` gunicorn servers, each on its own port; yields their base URLs once all are ready."""
    servers = []
    for _n in range(count):
        port = free_port()
        command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"]
        process = subprocess.Popen(command, cwd=PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        servers.append((process, f"http://127.0.0.1:{port}"))
    try:
        deadline = time.monotonic() + 60
        for process, url in servers:
            while not _ready(url):
                assert process.poll() is None, process.stderr.read().decode()
                assert time.monotonic() < deadline, f"{url} did not become ready"
                time.sleep(0.1)
        yield [url for _process, url in servers]
    finally:
        for process, _url in servers:
            process.terminate()
        for process, _url in servers:
            process.wait(timeout=30)
            process.stderr.close()
