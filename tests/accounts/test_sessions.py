"""The sessions are Django's database sessions, a change saved in one statement (accounts/sessions.py)."""

from unittest import mock

import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_it_saves_a_changed_session_in_one_statement():
    session = SessionStore()
    session["grant"] = 1
    session.save()

    again = SessionStore(session.session_key)
    again["grant"] = 2
    with CaptureQueriesContext(connection) as queries:
        again.save()

    assert [query["sql"].split()[0] for query in queries.captured_queries] == ["UPDATE"]
    assert SessionStore(session.session_key)["grant"] == 2


def test_it_refuses_to_save_a_session_deleted_meanwhile():
    session = SessionStore()
    session["grant"] = 1
    session.save()
    changed = SessionStore(session.session_key)
    changed["grant"] = 2
    changed.load()
    Session.objects.filter(session_key=session.session_key).delete()

    with pytest.raises(UpdateError):
        changed.save()
    assert not Session.objects.exists()


def test_a_request_whose_session_was_deleted_meanwhile_is_answered_400(client, a1, a2):
    client.get(reverse("lookup_card", args=[a1.card_token]))  # the evidence grant makes a session
    url = reverse("lookup_card", args=[a2.card_token])  # and another household's changes it
    real_load = SessionStore.load

    def load_then_lose(self):
        # The session is read, then deleted (a logout in another tab) before the page saves it.
        data = real_load(self)
        Session.objects.filter(session_key=self.session_key).delete()
        return data

    with mock.patch.object(SessionStore, "load", load_then_lose):
        response = client.get(url)

    assert response.status_code == 400
