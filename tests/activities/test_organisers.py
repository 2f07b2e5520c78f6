"""The organisers of an activity: the clerk names them in the admin from the people who work for
the village (its clerks and shopkeepers), and the service refuses anyone else."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.errors import BadActivity
from activities.models import Activity
from activities.selectors import may_organise
from activities.services import activity_update
from tests.activities.conftest import publish
from tests.activities.test_admin import ADD, form_data
from tests.factories import ShopFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def offered(page: str, user) -> bool:
    return f'name="organisers" value="{user.pk}"' in page


def test_the_form_offers_the_villages_clerks_and_shopkeepers_only(
    english, alice, bob, olivia, mallory, sam, tess, shop_a, shop_b, award
):
    english.force_login(alice)
    page = english.get(ADD).content.decode()

    assert offered(page, alice) and offered(page, sam)
    for stranger in (bob, olivia, mallory, tess):
        assert not offered(page, stranger)


def test_an_inactive_shopkeeper_is_not_offered(english, alice, sam, shop_a, award):
    sam.is_active = False
    sam.save()
    english.force_login(alice)
    assert not offered(english.get(ADD).content.decode(), sam)


def test_a_clerk_names_a_shopkeeper_organiser_who_may_then_check_in(english, alice, village_a, sam, shop_a, award):
    english.force_login(alice)

    response = english.post(ADD, form_data(village_a, award, organisers=[sam.pk]))

    assert response.status_code == 302, response.content.decode()[:2000]
    activity = Activity.objects.get()
    assert list(activity.organisers.all()) == [sam]
    assert may_organise(sam, activity)


def test_another_villages_clerk_is_not_a_choice_and_nothing_is_published(english, alice, village_a, bob, award):
    english.force_login(alice)

    response = english.post(ADD, form_data(village_a, award, organisers=[bob.pk]))

    assert response.status_code == 200
    assert "organisers" in response.context["adminform"].form.errors
    assert not Activity.objects.exists()


def test_editing_changes_the_organisers(english, alice, village_a, sam, shop_a, award):
    data = form_data(village_a, award)
    day = dt.date.fromisoformat(data["held_on"])
    deadline = timezone.make_aware(dt.datetime.combine(day - dt.timedelta(days=1), dt.time(18, 0)))
    activity = publish(village_a, by=alice, rule=award, held_on=day, signup_until=deadline, organisers=[sam])
    english.force_login(alice)
    url = reverse("admin:activities_activity_change", args=[activity.pk])
    page = english.get(url).content.decode()
    assert re.search(rf'name="organisers" value="{sam.pk}"[^>]* checked', page)

    data.pop("village")
    response = english.post(url, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert not activity.organisers.exists()


def test_the_service_refuses_an_organiser_who_does_not_work_for_the_village(
    village_a, alice, bob, olivia, mallory, tess, shop_b, award
):
    for stranger in (bob, olivia, mallory, tess):
        with pytest.raises(BadActivity):
            publish(village_a, by=alice, rule=award, organisers=[stranger])
    assert not Activity.objects.exists()


def test_an_organiser_named_before_may_stay_after_leaving_the_village(village_a, alice, award):
    helper = UserFactory(username="helper")
    shop = ShopFactory(village=village_a, name="二号超市")
    shop.shopkeepers.add(helper)
    activity = publish(village_a, by=alice, rule=award, organisers=[helper])
    shop.shopkeepers.remove(helper)

    activity_update(activity=activity, by=alice, organisers=[helper], title="清理河道（改）")

    assert list(activity.organisers.all()) == [helper]
    newcomer = UserFactory(username="newcomer")
    with pytest.raises(BadActivity):
        activity_update(activity=activity, by=alice, organisers=[helper, newcomer])
