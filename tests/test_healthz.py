"""`/healthz/` (liveness) and `/readyz/` (readiness): for load balancers and uptime monitors."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.db.migrations.recorder import MigrationRecorder


@pytest.mark.django_db
def test_it_answers_ok_without_touching_the_database_or_a_session(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz/")

    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-cache" in response["Cache-Control"]
    assert "sessionid" not in response.cookies


def test_it_refuses_writes(client):
    assert client.post("/healthz/").status_code == 405


@pytest.mark.django_db
def test_it_is_ready_when_the_database_answers_with_every_migration_applied(client):
    response = client.get("/readyz/")

    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-cache" in response["Cache-Control"]
    assert "sessionid" not in response.cookies


@pytest.mark.django_db
def test_it_is_not_ready_before_a_new_release_is_migrated(client):
    MigrationRecorder.Migration.objects.filter(app="exchange").order_by("-id")[:1].get().delete()

    response = client.get("/readyz/")

    assert response.status_code == 503
    assert response.content == b"migrations not applied: 1"


@pytest.mark.django_db
def test_it_is_not_ready_when_the_database_is_unreachable(client):
    unreachable = OperationalError("connection refused")
    with mock.patch.object(MigrationRecorder, "applied_migrations", side_effect=unreachable):
        response = client.get("/readyz/")

    assert response.status_code == 503
    assert response.content == b"database unavailable"


def test_it_refuses_writes_to_readiness(client):
    assert client.post("/readyz/").status_code == 405
