"""Logging in on the site, the admin and the API, with guessing held back exactly and no lasting lockout."""

from unittest import mock

import pytest
from django.urls import reverse

from accounts import services
from accounts.models import Guard
from tests.threads import run_together

HOME = "10.0.0.1"


def log_in(client, password, *, username="alice", address=HOME, url=None):
    return client.post(url or reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def form_errors(response) -> list[str]:
    return list(response.context["form"].non_field_errors())


@pytest.mark.django_db
class TestLoginPage:
    def test_it_logs_in_with_the_right_password(self, client, alice, password):
        response = log_in(client, password)

        assert response.status_code == 302
        assert response.wsgi_request.user == alice

    def test_it_warns_when_one_or_two_attempts_remain(self, client, alice):
        messages = [form_errors(log_in(client, "wrong")) for _n in range(4)]

        assert messages[0] == messages[1] == ["Wrong username or password."]
        assert messages[2] == [
            "Wrong username or password. "
            "2 more wrong attempts lock logging in to this account from here for 15 minutes."
        ]
        assert messages[3] == [
            "Wrong username or password. "
            "1 more wrong attempt locks logging in to this account from here for 15 minutes."
        ]

    def test_it_answers_a_lockout_with_the_429_page_saying_until_when(self, client, alice, password):
        for _n in range(4):
            log_in(client, "wrong")

        locked = log_in(client, "wrong")
        still = log_in(client, password)

        for response in (locked, still):
            assert response.status_code == 429
            assert "accounts/locked.html" in [template.name for template in response.templates]
            assert int(response["Retry-After"]) > 14 * 60
        assert not still.wsgi_request.user.is_authenticated

    def test_it_shows_the_lockout_page_in_chinese(self, client, alice):
        client.cookies["django_language"] = "zh-hans"
        for _n in range(5):
            response = log_in(client, "wrong")

        assert response.status_code == 429
        assert "登录暂时被锁定" in response.content.decode()

    def test_it_lets_the_owner_in_from_another_address(self, client, alice, password):
        for _n in range(5):
            log_in(client, "wrong", address="6.6.6.6")

        assert log_in(client, password, address=HOME).status_code == 302

    def test_it_refuses_an_inactive_user_as_a_wrong_password(self, client, alice, password):
        alice.is_active = False
        alice.save()

        assert form_errors(log_in(client, password)) == ["Wrong username or password."]


@pytest.mark.django_db
class TestAccountCeiling:
    def test_it_stops_guessing_one_account_from_many_addresses(self, client, alice):
        checked = []
        real = services.authenticate

        def counting(*args, **kwargs):
            checked.append(kwargs["password"])
            return real(*args, **kwargs)

        with mock.patch.object(services, "authenticate", counting):
            for n in range(10):
                for _n in range(4):
                    log_in(client, "wrong", address=f"10.1.0.{n}")

        # 20 fill the account's ceiling; then one clean address may try, and the next must wait.
        assert len(checked) == 21

    def test_it_cannot_keep_the_owner_out_whose_address_has_not_failed(self, client, alice, password):
        for n in range(5):
            for _n in range(4):
                log_in(client, "wrong", address=f"10.1.0.{n}")

        assert log_in(client, password, address="10.1.0.1").status_code == 429
        assert log_in(client, password, address=HOME).status_code == 302
        # Her login lifted the account's lock: every address is back to its own count.
        assert Guard.objects.get(key="login:alice").locked_until is None


@pytest.mark.django_db
class TestAdminLogin:
    def test_it_counts_and_locks_like_the_login_page(self, client, alice):
        url = reverse("admin:login")
        for _n in range(4):
            assert log_in(client, "wrong", url=url).status_code == 200

        assert log_in(client, "wrong", url=url).status_code == 429

    def test_it_still_refuses_someone_who_is_not_staff(self, client, alice, password):
        alice.is_staff = False
        alice.save()

        response = log_in(client, password, url=reverse("admin:login"))

        assert response.status_code == 200
        assert not response.wsgi_request.user.is_authenticated


@pytest.mark.django_db
class TestApiLogin:
    def test_it_says_that_a_failure_counted_and_how_many_attempts_are_left(self, client, alice):
        body = {"username": "alice", "password": "wrong"}
        response = client.post("/api/auth/token/", body, content_type="application/json")

        assert response.status_code == 400
        assert response.json() == {
            "code": "bad_credentials",
            "message": "Wrong username or password.",
            "counted": True,
            "attempts_left": 4,
        }

    def test_it_says_until_when_it_is_locked_and_that_a_locked_attempt_did_not_count(self, client, alice, password):
        body = {"username": "alice", "password": "wrong"}
        answers = [client.post("/api/auth/token/", body, content_type="application/json") for _n in range(5)]
        body["password"] = password
        locked = client.post("/api/auth/token/", body, content_type="application/json")

        assert [answer.status_code for answer in answers] == [400] * 4 + [429]
        assert [answer.json()["counted"] for answer in (answers[-1], locked)] == [True, False]
        assert locked.json()["code"] == "locked_out"
        assert "locked_until" in locked.json()
        assert int(locked["Retry-After"]) > 0

    def test_it_counts_nothing_for_invalid_input(self, client, alice):
        response = client.post("/api/auth/token/", {"username": "alice"}, content_type="application/json")

        assert response.status_code == 400
        assert response.json()["code"] == "invalid"
        assert not Guard.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_checks_no_more_than_five_passwords_however_many_race(alice):
    checked = []
    real = services.authenticate

    def counting(*args, **kwargs):
        checked.append(kwargs["password"])
        return real(*args, **kwargs)

    def wrong():
        from django.test import Client

        return log_in(Client(), "wrong").status_code

    with mock.patch.object(services, "authenticate", counting):
        results, errors = run_together(*[wrong] * 50)

    assert errors == [None] * 50
    assert len(checked) == 5
    assert results.count(200) <= 4
    assert results.count(429) >= 46
