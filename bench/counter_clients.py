"""The clients of `bench/counter.py`: shopkeepers' browsers at the counter, one process each.

Each client keeps its own connection and cookie jar, logs in through the login page like a
browser, warms up with one untimed round, waits at a barrier for the others, and then loops for
the given seconds. `drive` starts them, collects their tallies and sums them up.
"""

import http.client
import json
import multiprocessing
import random
import re
import statistics
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode

LOCKED = "database is locked"
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KEY_FIELD = re.compile(r'name="key" value="([^"]+)"')


class Browser:
    """A shopkeeper's browser at the counter: an HTTP connection and a cookie jar.

    The connection is kept alive where the server allows; gunicorn's sync workers close it after
    every answer, and http.client then opens a new one for the next request.
    """

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, form: dict | None = None, *, json_body=None, headers: dict | None = None
    ) -> tuple[int, str, str]:
        """`form` is sent as a browser's form; `json_body` as an API client's JSON (`bench/api.py`)."""
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif json_body is not None:
            body = json.dumps(json_body)
            headers["Content-Type"] = "application/json"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            self.conn.close()  # the next request opens a new connection
            raise
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, response.headers.get("Location", ""), text


def log_in(browser: Browser, world: dict) -> None:
    status, _location, page = browser.request("GET", "/accounts/login/")
    token = CSRF_FIELD.search(page)
    form = {"csrfmiddlewaretoken": token.group(1) if token else "", "next": "/counter/"}
    status, location, _page = browser.request(
        "POST", "/accounts/login/", {**form, "username": "benchshop", "password": world["password"]}
    )
    if status != 302 or location != "/counter/":
        raise RuntimeError(f"login failed: {status} {location}")


def redeem_once(browser: Browser, world: dict, rnd: random.Random, tally: dict) -> None:
    shop, household = world["shop"], rnd.choice(world["households"])
    started = time.perf_counter()
    status, _location, page = browser.request("GET", f"/counter/{shop}/h/{household}/")
    tally["pages"].append(time.perf_counter() - started)
    token, key = CSRF_FIELD.search(page), KEY_FIELD.search(page)
    if status != 200 or not token or not key:
        return fail(tally, f"household page {status}", page)
    form = {"csrfmiddlewaretoken": token.group(1), "key": key.group(1), f"qty_{rnd.choice(world['products'])}": "1"}
    started = time.perf_counter()
    status, location, page = browser.request("POST", f"/counter/{shop}/h/{household}/", form)
    if status != 302 or "/r/" not in location:
        return fail(tally, f"POST {status}", page)
    status, _location, page = browser.request("GET", location)
    elapsed = time.perf_counter() - started
    if status != 200:
        return fail(tally, f"receipt {status}", page)
    tally["ok"] += 1
    tally["latencies"].append(elapsed)


def household_once(browser: Browser, world: dict, rnd: random.Random, tally: dict) -> None:
    """The yardstick: a logged-in GET of the bench's view that reads one household."""
    started = time.perf_counter()
    status, _location, page = browser.request("GET", f"/bench/household/{rnd.choice(world['households'])}/")
    if status != 200:
        return fail(tally, f"one household {status}", page)
    tally["ok"] += 1
    tally["latencies"].append(time.perf_counter() - started)


def health_once(browser: Browser, world: dict, rnd: random.Random, tally: dict) -> None:
    started = time.perf_counter()
    status, _location, page = browser.request("GET", "/healthz/")
    if status != 200 or page != "ok":
        return fail(tally, f"healthz {status}", page)
    tally["ok"] += 1
    tally["latencies"].append(time.perf_counter() - started)


def fail(tally: dict, what: str, page: str) -> None:
    tally["errors"] += 1
    tally["locked"] += LOCKED in page
    if len(tally["samples"]) < 3:
        tally["samples"].append(f"{what}: {' '.join(re.sub(r'<[^>]+>', ' ', page).split())[:160]}")


# What a client does in a loop, by the name of the view it drives; `bench/api.py` adds its own.
STEPS = {"redeem": redeem_once, "household": household_once, "healthz": health_once}
# What a client does once before its loop.
SETUPS = {"redeem": log_in, "household": log_in}


def client(number: int, view: str, port: int, world: dict, seconds: float, barrier, queue) -> None:
    rnd = random.Random(number)
    tally = {"ok": 0, "errors": 0, "locked": 0, "latencies": [], "pages": [], "samples": [], "warm_ok": 0}
    step = STEPS[view]
    browser = Browser(port)
    try:
        if view in SETUPS:
            SETUPS[view](browser, world)
        step(browser, world, rnd, tally)  # warm-up: templates, connections, the worker's first request
        tally.update(warm_ok=tally["ok"], ok=0, errors=0, locked=0, latencies=[], pages=[])
        barrier.wait(timeout=120)
    except Exception as error:  # reported, and the run stops
        barrier.abort()
        queue.put({**tally, "fatal": repr(error)})
        return
    started = time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        try:
            step(browser, world, rnd, tally)
        except (OSError, http.client.HTTPException) as error:
            fail(tally, "exception", repr(error))
    queue.put({**tally, "elapsed": time.perf_counter() - started})


def drive(view: str, port: int, world: dict, *, clients: int, seconds: float) -> dict:
    ctx = multiprocessing.get_context("fork")
    barrier, queue = ctx.Barrier(clients), ctx.Queue()
    processes = [
        ctx.Process(target=client, args=(n, view, port, world, seconds, barrier, queue)) for n in range(clients)
    ]
    for process in processes:
        process.start()
    tallies = [queue.get(timeout=seconds + 300) for _ in processes]
    for process in processes:
        process.join()
    fatal = [t["fatal"] for t in tallies if "fatal" in t]
    if fatal:
        raise SystemExit(f"{view}: a client failed before the run: {fatal[0]}")
    latencies = sorted(x for t in tallies for x in t["latencies"])
    pages = sorted(x for t in tallies for x in t["pages"])
    elapsed = max(t["elapsed"] for t in tallies)
    return {
        "ok": sum(t["ok"] for t in tallies),
        "warm_ok": sum(t["warm_ok"] for t in tallies),
        "errors": sum(t["errors"] for t in tallies),
        "locked": sum(t["locked"] for t in tallies),
        "samples": [s for t in tallies for s in t["samples"]][:3],
        "rate": sum(t["ok"] for t in tallies) / elapsed,
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "pages": len(pages),
        "pages_p50": percentile(pages, 50),
        "pages_p95": percentile(pages, 95),
    }


def percentile(values: list[float], p: int) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1] if len(values) > 1 else values[0]
