"""Every change to a tracked record is kept with who, when, from where, and the old and new values;
each reads only in its own village's and town's scope, and nothing edits or deletes it."""

import pytest
from django.db import IntegrityError, connection, transaction

from credits.services import rule_update
from history.models import Change
from households.models import StarLevel
from tests.credits.test_append_only import replacing, truncate
from tests.households.test_stars import change_url, village_form

pytestmark = pytest.mark.django_db


def changes_of(obj):
    return Change.objects.get_for_object(obj).order_by("id")


def test_it_records_a_service_change_with_who_and_the_old_and_new_values(draft_award, alice, village_a):
    rule_update(rule=draft_award, by=alice, points=3)

    change = changes_of(draft_award).last()
    assert change.village == village_a
    assert change.action == Change.Action.UPDATE
    assert change.actor == alice
    assert change.changes["points"] == [2, 3]


def test_it_records_an_admin_change_with_the_user_and_the_address(client, village_a, alice):
    level = StarLevel.objects.create(village=village_a, stars=1, min_score=110)
    client.force_login(alice)
    client.post(change_url(village_a), village_form(village_a, [(1, 115)]), REMOTE_ADDR="10.0.0.7")

    change = changes_of(level).last()
    assert (change.actor, change.remote_addr, change.village) == (alice, "10.0.0.7", village_a)
    assert change.changes["min_score"] == [110, 115]


def test_it_shows_a_clerk_only_their_villages_changes(client, village_a, village_b, alice):
    StarLevel.objects.create(village=village_a, stars=1, min_score=111)
    StarLevel.objects.create(village=village_b, stars=1, min_score=222)
    client.force_login(alice)

    page = client.get("/admin/history/change/").content.decode()

    assert "111" in page
    assert "222" not in page
    theirs = Change.objects.get(village=village_b, content_type__model="starlevel")
    assert client.get(f"/admin/history/change/{theirs.pk}/change/").status_code == 404


def test_it_shows_an_officer_every_village_of_the_town(client, village_a, village_b, olivia):
    StarLevel.objects.create(village=village_a, stars=1, min_score=111)
    StarLevel.objects.create(village=village_b, stars=1, min_score=222)
    client.force_login(olivia)

    page = client.get("/admin/history/change/").content.decode()

    assert "111" in page and "222" in page


def test_it_shows_nothing_to_staff_without_villages(client, village_a, mallory):
    StarLevel.objects.create(village=village_a, stars=1, min_score=111)
    client.force_login(mallory)

    assert client.get("/admin/history/change/").status_code == 403


def test_the_database_refuses_to_edit_or_delete_the_history(village_a):
    level = StarLevel.objects.create(village=village_a, stars=1, min_score=111)
    change = changes_of(level).get()

    for sql in (
        "UPDATE history_change SET object_repr = 'x' WHERE id = %s",
        "DELETE FROM history_change WHERE id = %s",
    ):
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [change.pk])

    assert changes_of(level).get().object_repr == change.object_repr


def test_the_database_refuses_to_replace_or_truncate_the_history(village_a):
    level = StarLevel.objects.create(village=village_a, stars=1, min_score=111)
    change = changes_of(level).get()

    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(replacing("history_change", object_repr="'x'"), [change.pk])
    if connection.vendor == "postgresql":
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
            truncate("history_change")

    assert changes_of(level).get().object_repr == change.object_repr


def test_the_filters_offer_only_the_kinds_and_villages_with_changes_the_reader_reads(
    client, village_a, village_b, alice
):
    from django.contrib.contenttypes.models import ContentType

    StarLevel.objects.create(village=village_a, stars=1, min_score=111)
    StarLevel.objects.create(village=village_b, stars=1, min_score=222)
    client.force_login(alice)

    page = client.get("/admin/history/change/").content.decode()

    star_level = ContentType.objects.get_for_model(StarLevel)
    never_changed = ContentType.objects.get(app_label="auth", model="permission")
    assert f"content_type__id__exact={star_level.pk}" in page
    assert f"content_type__id__exact={never_changed.pk}" not in page
    assert f"village__id__exact={village_a.pk}" in page
    assert f"village__id__exact={village_b.pk}" not in page
