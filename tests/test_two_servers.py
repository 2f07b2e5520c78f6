"""Two application servers on one database: what one locks or remembers, the other honours.

A county runs several gunicorn machines behind a proxy that may send each request anywhere, so
nothing that guards the site may live in one process: sessions, the login lockout, the lookup's
PIN lockout and the API's idempotency keys are all in the database. Two real gunicorn servers
share the test database here, and one browser moves between them as the proxy would send it.
"""

import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest

from accounts.tokens import api_token_create
from exchange.models import Redemption
from households.services import household_set_pin
from tests.exchange.conftest import restock
from tests.factories import ProductFactory
from tests.processes import app_servers, database_url_of_this_test, django_env

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PIN = "2468"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Cookies kept by host, as a browser does: both servers are the same site behind the proxy."""

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect)

    def request(self, url: str, data: dict | None = None, headers: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, headers=headers or {})
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as answer:
            return answer.code, answer.read().decode()

    def submit(self, url: str, fields: dict) -> int:
        """GET the form (for its CSRF token), then POST it; the POST's status."""
        _status, page = self.request(url)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        return self.request(url, {"csrfmiddlewaretoken": token, **fields}, {"Referer": url})[0]


def post_json(url: str, body: dict, headers: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json", **headers}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as answer:
        return answer.code, json.loads(answer.read())


@pytest.fixture(scope="module")
def servers(django_db_setup):
    with app_servers(2, env=django_env(database_url_of_this_test())) as urls:
        yield urls


def test_it_locks_a_login_out_on_both_servers(servers, alice, password, settings):
    browser = Browser()
    statuses = [
        browser.submit(f"{servers[n % 2]}/accounts/login/", {"username": "alice", "password": "wrong"})
        for n in range(settings.XIANGFENG_LOGIN_MAX_FAILURES)
    ]
    right = {"username": "alice", "password": password}

    assert statuses == [200] * (settings.XIANGFENG_LOGIN_MAX_FAILURES - 1) + [429]
    assert browser.submit(f"{servers[0]}/accounts/login/", right) == 429
    assert browser.submit(f"{servers[1]}/accounts/login/", right) == 429


def test_it_keeps_a_session_made_on_one_server_on_the_other(servers, alice, password):
    browser = Browser()
    assert browser.submit(f"{servers[0]}/accounts/login/", {"username": "alice", "password": password}) == 302

    status, page = browser.request(f"{servers[1]}/admin/")

    assert status == 200
    assert "alice" in page


def test_it_locks_a_households_pin_lookup_on_both_servers(servers, a1, alice, settings):
    household_set_pin(household=a1, pin=PIN, by=alice)
    browser = Browser()
    wrong = {"village": a1.village.code, "number": a1.number, "pin": "1111"}
    limit = settings.XIANGFENG_LOOKUP_MAX_FAILURES

    statuses = [browser.submit(f"{servers[n % 2]}/lookup/", wrong) for n in range(limit)]

    assert statuses == [200] * (limit - 1) + [429]
    right = {**wrong, "pin": PIN}
    assert browser.submit(f"{servers[0]}/lookup/", right) == 429
    assert Browser().submit(f"{servers[1]}/lookup/", right) == 429


def test_it_redeems_once_for_a_key_retried_on_the_other_server(servers, sam, shop_a, a1):
    oil = ProductFactory(shop=shop_a, name="食用油", unit="瓶", price=30)
    restock(oil, 10)
    headers = {"Authorization": f"Token {api_token_create(user=sam)[0]}", "Idempotency-Key": uuid.uuid4().hex}
    body = {"household": a1.pk, "shop": shop_a.pk, "lines": [{"product": oil.pk, "quantity": 1}]}

    first = post_json(f"{servers[0]}/api/redemptions/", body, headers)
    retried = post_json(f"{servers[1]}/api/redemptions/", body, headers)

    assert first[0] == 201
    assert retried == first
    assert Redemption.objects.filter(household=a1).count() == 1
    oil.refresh_from_db()
    assert oil.stock == 9
