"""`/healthz/`: for load balancers, uptime monitors and `bench/counter.py`."""

import pytest


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
