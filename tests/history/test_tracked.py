"""Households, villages, towns, shops, products, board settings and users' roles: every change is
kept with who, when, from where, old and new, whether made in the admin, the API or a service;
secrets only as the fact that they changed."""

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.tokens import api_token_create
from credits.services import entry_record, household_open_batch
from credits.services.openings import NewHousehold
from exchange.services import product_update
from history.context import acting
from history.models import Change
from history.tracked import HIDDEN
from households.models import Household
from households.services import (
    household_card_reissue,
    household_close,
    household_set_pin,
    household_update,
    household_update_batch,
)
from public.models import BoardSettings
from tests.exchange.conftest import restock
from tests.factories import ProductFactory
from tests.households.test_stars import BOARD, change_url, village_form

pytestmark = pytest.mark.django_db


def changes_of(obj):
    return Change.objects.get_for_object(obj).order_by("id")


def last_change(obj) -> Change:
    return changes_of(obj).last()


def readable(client, user) -> str:
    client.force_login(user)
    return client.get("/admin/history/change/?all=").content.decode()


def test_it_records_a_households_edit_by_a_service(a1, alice):
    household_update(household=a1, by=alice, head_name="应美华", group="第一组", phone="13812341234")

    change = last_change(a1)
    assert (change.action, change.actor, change.village) == (Change.Action.UPDATE, alice, a1.village)
    assert change.changes == {"head_name": ["应美凤", "应美华"]}


def test_it_records_closing_and_reopening_with_the_old_and_new_state(a1, alice):
    household_close(household=a1, by=alice)

    change = last_change(a1)
    assert change.actor == alice
    assert change.changes["active"] == [True, False]


def test_it_records_that_a_pin_changed_but_never_the_pin_or_its_hash(a1, alice):
    household_set_pin(household=a1, pin="2468", by=alice)
    household_set_pin(household=a1, pin="135790", by=alice)
    stored = Household.objects.values_list("pin_hash", flat=True).get(pk=a1.pk)

    first, second = changes_of(a1).filter(action=Change.Action.UPDATE)
    assert first.changes == {"pin_hash": ["", HIDDEN]}
    assert second.changes == {"pin_hash": [HIDDEN, HIDDEN]}
    for change in (first, second):
        kept = f"{change.changes} {change.changes_text} {change.serialized_data} {change.additional_data}"
        assert "2468" not in kept and "135790" not in kept and stored not in kept and stored[-10:] not in kept


def test_it_records_a_pin_set_in_the_admin_with_the_clerk_and_the_address(client, a1, alice):
    client.force_login(alice)
    client.post(
        reverse("admin:households_household_pin", args=[a1.pk]),
        {"pin": "2468", "pin_again": "2468"},
        REMOTE_ADDR="10.0.0.7",
    )

    change = last_change(a1)
    assert (change.actor, change.remote_addr, change.changes) == (alice, "10.0.0.7", {"pin_hash": ["", HIDDEN]})


def test_it_records_a_new_card_as_a_fact(a1, alice):
    old = a1.card_token
    household_card_reissue(household=a1, by=alice)

    change = last_change(a1)
    assert change.changes == {"card_token": [HIDDEN, HIDDEN]}
    assert old not in str(change.changes) and a1.card_token not in str(change.changes)


def test_it_leaves_the_ledgers_cached_figures_to_the_ledger(a1, alice, award):


    before = changes_of(a1).count()
    entry_record(household=a1, rule=award, occurred_on=timezone.localdate(), by=alice)

    assert changes_of(a1).count() == before


def test_it_records_a_roster_import_in_one_go_with_who(village_a, alice, a1):
    a1.head_name = "应美华"
    household_update_batch(households=[a1], by=alice)
    opened = household_open_batch(
        households=[NewHousehold(village=village_a, number=f"9{n:03}", head_name=f"新户{n}") for n in range(20)],
        by=alice,
    )

    assert last_change(a1).changes == {"head_name": ["应美凤", "应美华"]}
    created = [last_change(household) for household in opened]
    assert {(c.action, c.actor_id, c.village_id) for c in created} == {(Change.Action.CREATE, alice.pk, village_a.pk)}
    assert created[0].changes["head_name"] == [None, "新户0"]
    assert not {"score", "balance", "number_key", "entries", "year_scores"} & set(created[0].changes)


def test_it_records_a_product_changed_through_the_api_with_the_token_user_and_address(alice, shop_a):
    soap = ProductFactory(shop=shop_a, name="肥皂", unit="块", price=10)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=alice)[0]}")

    response = api.patch(f"/api/products/{soap.pk}/", {"price": 12}, format="json", REMOTE_ADDR="10.0.0.9")

    assert response.status_code == 200, response.content
    change = last_change(soap)
    assert (change.actor, change.remote_addr, change.village) == (alice, "10.0.0.9", shop_a.village)
    assert change.changes == {"price": [10, 12]}


def test_it_leaves_stock_to_the_stock_movements(shop_a, alice):
    soap = ProductFactory(shop=shop_a, name="肥皂", unit="块", price=10)
    product_update(product=soap, by=alice, price=11)
    before = changes_of(soap).count()

    restock(soap, 20)

    assert changes_of(soap).count() == before


def test_it_records_board_settings_changed_in_the_admin(client, village_a, alice):
    client.force_login(alice)
    client.post(change_url(village_a), village_form(village_a, [], board=BOARD), REMOTE_ADDR="10.0.0.7")
    client.post(change_url(village_a), village_form(village_a, [], board={**BOARD, "red_list_size": 20}))

    change = last_change(BoardSettings.objects.get(village=village_a))
    assert (change.actor, change.village, change.changes) == (alice, village_a, {"red_list_size": [8, 20]})


def test_it_records_who_was_made_a_clerk_of_a_village_and_by_whom(village_a, bob, admin_user):
    with acting(admin_user):
        village_a.clerks.add(bob)
        village_a.clerks.remove(bob)

    added, removed = changes_of(village_a).filter(changes__has_key="clerks")
    assert (added.actor, added.village, added.town) == (admin_user, village_a, village_a.town)
    assert added.changes["clerks"] == {"type": "m2m", "operation": "add", "objects": ["bob"]}
    assert removed.changes["clerks"]["operation"] == "delete"


def test_it_records_town_officers_and_shopkeepers(town, shop_a, olivia, tess, admin_user):
    with acting(admin_user):
        town.officers.remove(olivia)
        shop_a.shopkeepers.add(tess)

    assert last_change(town).changes["officers"]["objects"] == ["olivia"]
    assert (last_change(town).town, last_change(town).village) == (town, None)
    assert last_change(shop_a).changes["shopkeepers"] == {"type": "m2m", "operation": "add", "objects": ["tess"]}
    assert last_change(shop_a).village == shop_a.village


def test_it_records_a_users_roles_and_that_the_password_changed(mallory, admin_user):
    with acting(admin_user):
        mallory.groups.add(Group.objects.get(name="clerk"))
        mallory.set_password("another-secret")
        mallory.save()

    role, password = changes_of(mallory).filter(actor=admin_user)
    assert role.changes["groups"] == {"type": "m2m", "operation": "add", "objects": ["clerk"]}
    assert password.changes == {"password": [HIDDEN, HIDDEN]}


def test_a_clerk_reads_their_villages_history_and_an_officer_their_towns(
    client, village_a, village_b, town, alice, bob, olivia, a1, b1, admin_user
):
    household_update(household=a1, by=alice, head_name="应美华")
    household_update(household=b1, by=bob, head_name="李秀华")
    with acting(admin_user):
        town.officers.add(admin_user)

    alices = readable(client, alice)
    assert "应美华" in alices and "李秀华" not in alices
    olivias = readable(client, olivia)
    assert "应美华" in olivias and "李秀华" in olivias and str(town) in olivias
    clerk_change = changes_of(b1).last()
    client.force_login(alice)
    assert client.get(f"/admin/history/change/{clerk_change.pk}/change/").status_code == 404


@pytest.mark.parametrize(
    "alter",
    [
        lambda change: Change.objects.filter(pk=change.pk).update(object_repr="x"),
        lambda change: Change.objects.filter(pk=change.pk).delete(),
        lambda change: change.delete(),
        lambda change: Change.objects.filter(pk=change.pk).update(changes={}),
    ],
    ids=["update", "delete", "delete-instance", "rewrite-values"],
)
def test_the_database_refuses_to_alter_the_history_through_the_orm(a1, alice, alter):
    household_update(household=a1, by=alice, head_name="应美华")
    change = last_change(a1)

    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        alter(change)

    assert last_change(a1).changes == change.changes


def test_the_database_refuses_raw_sql_from_the_apps_own_user(a1, alice):
    household_update(household=a1, by=alice, head_name="应美华")

    for sql in ("UPDATE history_change SET actor_id = NULL", "DELETE FROM history_change"):
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)

    assert last_change(a1).actor == alice
