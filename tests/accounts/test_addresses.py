"""Whose address the login lockout and the lookup count: the client's, also behind our proxy."""

import pytest
from django.test import RequestFactory, override_settings
from django.urls import reverse

from accounts.addresses import client_address

PROXY = "127.0.0.1"


def request_from(remote: str, forwarded: str | None = None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


def test_it_takes_the_remote_address_and_ignores_a_forwarded_header_by_default():
    assert client_address(request_from("10.0.0.7", "1.2.3.4")) == "10.0.0.7"


@override_settings(XIANGFENG_TRUST_X_FORWARDED_FOR=True)
def test_it_takes_the_entry_our_proxy_appended_when_told_to_trust_it():
    assert client_address(request_from(PROXY, "6.6.6.6, 1.2.3.4")) == "1.2.3.4"
    assert client_address(request_from(PROXY)) == PROXY


def log_in(client, username: str, password: str, *, client_at: str):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=client_at,
    )


@pytest.mark.django_db
@override_settings(XIANGFENG_TRUST_X_FORWARDED_FOR=True)
def test_it_does_not_lock_a_user_out_behind_the_proxy_for_someone_elses_wrong_passwords(client, alice, password):
    for _n in range(6):
        log_in(client, "alice", "wrong", client_at="6.6.6.6")

    response = log_in(client, "alice", password, client_at="1.2.3.4")

    assert response.status_code == 302
    assert response.wsgi_request.user == alice
