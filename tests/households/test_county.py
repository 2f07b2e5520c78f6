"""A county above its towns: its officers read every town and village in it, and change nothing."""

import pytest
from django.urls import reverse

from households.models import Town
from households.selectors import households_for, villages_for

pytestmark = pytest.mark.django_db


def test_it_lets_a_county_officer_read_every_village_of_the_countys_towns(connie, village_a, village_b, village_c):
    assert set(villages_for(connie)) == {village_a, village_b, village_c}
    assert not villages_for(connie, write=True).exists()


def test_it_keeps_a_county_officer_out_of_a_town_in_another_county(connie, village_a):
    elsewhere = Town.objects.create(name="澉浦镇")
    outside = elsewhere.villages.create(code="ganpu", name="澉浦村")
    assert outside not in villages_for(connie)


def test_it_keeps_a_town_officer_to_their_town_inside_the_county(olivia, village_a, village_b, village_c):
    assert set(villages_for(olivia)) == {village_a, village_b}


def test_it_lists_the_countys_households_for_its_officer(connie, a1, b1, c1):
    assert set(households_for(connie)) == {a1, b1, c1}


def test_it_shows_the_county_officer_their_county_and_its_towns_in_the_admin(client, connie, town, village_c):
    client.force_login(connie)
    towns = client.get(reverse("admin:households_town_changelist")).context["cl"].result_list
    assert set(towns) == {town, village_c.town}
    counties = client.get(reverse("admin:households_county_changelist")).context["cl"].result_list
    assert [county.name for county in counties] == ["海盐县"]
    assert client.get(reverse("admin:households_county_add")).status_code == 403


def test_it_shows_a_clerk_their_towns_county_and_no_other(client, alice, county, village_a):
    from households.models import County

    other = County.objects.create(name="平湖市")
    client.force_login(alice)
    counties = client.get(reverse("admin:households_county_changelist")).context["cl"].result_list
    assert list(counties) == [county]
    assert client.get(reverse("admin:households_county_change", args=[other.pk])).status_code == 404


def test_it_gives_the_county_officer_the_reports_of_every_village(client, connie, a1, c1):
    client.force_login(connie)
    response = client.get(reverse("reports"))
    assert response.status_code == 200
    assert response.context["whole_town"]
