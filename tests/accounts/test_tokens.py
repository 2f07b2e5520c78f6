"""API tokens expire, die with a password change or a closed account, and their owner sees and revokes them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.tokens import api_token_create

pytestmark = pytest.mark.django_db


def token_of(user) -> str:
    return api_token_create(user=user)[0]


def households_with(token: str):
    return APIClient().get("/api/households/", HTTP_AUTHORIZATION=f"Token {token}")


def test_it_gives_a_token_that_works_as_before(client, alice, password):
    body = {"username": "alice", "password": password}
    answer = client.post("/api/auth/token/", body, content_type="application/json")

    assert answer.status_code == 200
    assert households_with(answer.json()["token"]).status_code == 200
    assert "expiry" in answer.json()


def test_it_expires_tokens_after_thirty_days(alice):
    token = token_of(alice)
    made = AuthToken.objects.get(user=alice)

    assert abs(made.expiry - made.created - datetime.timedelta(days=30)) < datetime.timedelta(seconds=1)
    AuthToken.objects.filter(pk=made.pk).update(expiry=timezone.now() - datetime.timedelta(seconds=1))
    assert households_with(token).status_code == 401


def test_it_revokes_every_token_when_the_password_changes(alice):
    token = token_of(alice)

    alice.set_password("a-new-password-for-alice")
    alice.save()

    assert households_with(token).status_code == 401
    assert not AuthToken.objects.filter(user=alice).exists()


def test_it_revokes_every_token_when_the_account_is_closed(alice, bob):
    token, kept = token_of(alice), token_of(bob)

    alice.is_active = False
    alice.save()
    alice.is_active = True
    alice.save()

    assert households_with(token).status_code == 401
    assert households_with(kept).status_code == 200


def test_it_keeps_tokens_when_a_login_only_updates_last_login(client, alice, password):
    token = token_of(alice)

    client.login(username="alice", password=password)

    assert households_with(token).status_code == 200


def test_it_lists_a_users_own_tokens_and_revokes_one(client, alice, bob):
    token, other = token_of(alice), token_of(alice)
    bobs = token_of(bob)
    client.force_login(alice)

    page = client.get(reverse("api_tokens")).content.decode()
    assert token[:15] in page and other[:15] in page and bobs[:15] not in page

    client.post(reverse("api_tokens"), {"revoke": token[:15]})

    assert households_with(token).status_code == 401
    assert households_with(other).status_code == 200


def test_it_cannot_revoke_someone_elses_token(client, alice, bob):
    bobs = token_of(bob)
    client.force_login(alice)

    response = client.post(reverse("api_tokens"), {"revoke": bobs[:15]}, follow=True)

    assert households_with(bobs).status_code == 200
    assert "You have no such token" in response.content.decode()


def test_it_revokes_all_of_a_users_tokens(client, alice, bob):
    tokens, bobs = [token_of(alice) for _n in range(2)], token_of(bob)
    client.force_login(alice)

    client.post(reverse("api_tokens"), {"revoke_all": "1"})

    assert [households_with(token).status_code for token in tokens] == [401, 401]
    assert households_with(bobs).status_code == 200


def test_it_asks_a_visitor_to_log_in(client):
    response = client.get(reverse("api_tokens"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
