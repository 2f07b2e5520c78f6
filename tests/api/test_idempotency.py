"""`Idempotency-Key`: a retry replays the first answer and writes nothing; one key, one write.

The concurrent tests run real threads against the API in process, each on its own database
connection, outside the test transaction, on file SQLite and PostgreSQL alike.
"""

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from api.models import IdempotencyKey
from credits.models import Entry
from exchange.models import Redemption
from tests.credits.ledger import reconcile, scores
from tests.exchange.conftest import books
from tests.threads import run_together

from .conftest import new_key


def redemption_body(shop, household, product, quantity=1):
    return {"household": household.pk, "shop": shop.pk, "lines": [{"product": product.pk, "quantity": quantity}]}


def post(client, path, body, key):
    return client.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


@pytest.mark.django_db
def test_it_replays_the_first_answer_to_a_retry_and_writes_nothing(api, sam, shop_a, a1, soap):
    key, body = new_key(), redemption_body(shop_a, a1, soap)
    first = post(api(sam), "/api/redemptions/", body, key)
    before = books()
    again = post(api(sam), "/api/redemptions/", body, key)
    assert (again.status_code, again.json()) == (first.status_code, first.json()) == (201, first.json())
    assert again["Idempotent-Replayed"] == "true"
    assert books() == before


@pytest.mark.django_db
def test_it_replays_a_refusal_too(api, sam, shop_a, a1, soap):
    key, body = new_key(), redemption_body(shop_a, a1, soap, quantity=11)
    first = post(api(sam), "/api/redemptions/", body, key)
    assert (first.status_code, first.json()["code"]) == (409, "insufficient_balance")
    again = post(api(sam), "/api/redemptions/", body, key)
    assert (again.status_code, again.json()) == (409, first.json())


@pytest.mark.django_db
def test_it_refuses_the_same_key_with_another_request(api, sam, alice, shop_a, a1, a2, soap, award):
    key = new_key()
    assert post(api(sam), "/api/redemptions/", redemption_body(shop_a, a1, soap), key).status_code == 201
    before = books()
    other = post(api(sam), "/api/redemptions/", redemption_body(shop_a, a2, soap), key)
    assert (other.status_code, other.json()["code"]) == (422, "idempotency_key_reused")
    assert books() == before
    # Keys belong to their user: Alice's same key is hers alone.
    entry = post(api(alice), "/api/entries/", {"household": a1.pk, "rule": award.pk}, key)
    assert entry.status_code == 201


@pytest.mark.django_db
def test_it_keeps_nothing_for_a_request_that_never_ran(api, sam, shop_a, a1, soap):
    key = new_key()
    invalid = post(api(sam), "/api/redemptions/", {"household": a1.pk, "shop": shop_a.pk, "lines": []}, key)
    assert invalid.status_code == 400
    assert not IdempotencyKey.objects.exists()
    assert post(api(sam), "/api/redemptions/", redemption_body(shop_a, a1, soap), key).status_code == 201


@pytest.mark.django_db
def test_it_replays_entries_and_batches_with_a_key(api, alice, a1, a2, award):
    client, key = api(alice), new_key()
    first = post(client, "/api/entries/batch/", {"households": [a1.pk, a2.pk], "rule": award.pk}, key)
    again = post(client, "/api/entries/batch/", {"households": [a1.pk, a2.pk], "rule": award.pk}, key)
    assert (first.status_code, again.json()) == (201, first.json())
    assert scores(a1, a2) == [(102, 102), (102, 102)]
    single = new_key()
    post(client, "/api/entries/", {"household": a1.pk, "rule": award.pk}, single)
    post(client, "/api/entries/", {"household": a1.pk, "rule": award.pk}, single)
    assert Entry.objects.filter(household=a1, kind="award").count() == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("twins", [2, 6])
def test_it_makes_one_redemption_for_concurrent_twins(api, sam, shop_a, a1, soap, twins):
    key, body = new_key(), redemption_body(shop_a, a1, soap)
    results, errors = run_together(*[lambda: post(api(sam), "/api/redemptions/", body, key)] * twins)
    assert errors == [None] * twins
    assert Redemption.objects.count() == 1
    made = [r for r in results if r.status_code == 201]
    assert made and all(r.json() == made[0].json() for r in made)
    assert all(r.status_code in (201, 409) for r in results), [r.status_code for r in results]
    assert scores(a1) == [(100, 90)]
    assert "agree" in reconcile()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_records_one_entry_for_concurrent_twins(api, alice, a1, award):
    key = new_key()
    results, errors = run_together(
        *[lambda: post(api(alice), "/api/entries/", {"household": a1.pk, "rule": award.pk}, key)] * 4
    )
    assert errors == [None] * 4
    assert Entry.objects.filter(household=a1, kind="award").count() == 1
    assert {r.status_code for r in results} <= {201, 409}
    assert "agree" in reconcile()


@pytest.mark.django_db
def test_it_purges_answers_older_than_the_days_kept_and_still_redeems_a_key_once(api, sam, shop_a, a1, soap):
    client, old, recent = api(sam), new_key(), new_key()
    post(client, "/api/redemptions/", redemption_body(shop_a, a1, soap), old)
    post(client, "/api/redemptions/", redemption_body(shop_a, a1, soap), recent)
    IdempotencyKey.objects.filter(key=old).update(created_at=timezone.now() - timedelta(days=31))
    out = io.StringIO()

    call_command("purge_idempotency_keys", stdout=out)

    assert out.getvalue() == "Deleted 1 kept answers.\n"
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == [recent]
    # The shop keeps its own redemptions' keys for good: a very late retry still redeems nothing twice.
    late = post(client, "/api/redemptions/", redemption_body(shop_a, a1, soap), old)
    assert late.json()["id"] == Redemption.objects.get(idempotency_key=old).pk
    assert Redemption.objects.count() == 2


@pytest.mark.django_db
def test_it_refuses_to_purge_every_answer():
    with pytest.raises(CommandError, match="at least one day"):
        call_command("purge_idempotency_keys", days=0)
