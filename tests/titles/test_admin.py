"""The selection in the admin: the clerk's steps, the officers' nominees and quota, the certificate;
each for whom it is, and nothing of another village's."""

from datetime import timedelta

import pytest
from django.urls import reverse

from tests.credits.ledger import today
from titles.models import Level, Nomination, Quota, Selection, Title
from titles.services import title_nominate

pytestmark = pytest.mark.django_db

START = reverse("admin:titles_selection_add")
NOMINEES = reverse("admin:titles_nomination_changelist")


@pytest.fixture
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def step(selection, name):
    return reverse(f"admin:titles_selection_{name}", args=[selection.pk])


def page(selection):
    return reverse("admin:titles_selection_change", args=[selection.pk])


def test_the_clerk_starts_a_selection_and_walks_it_to_the_titles(english, alice, village_a, year, wedding):
    english.force_login(alice)

    response = english.post(START, {"village": village_a.pk, "year": year})
    selection = Selection.objects.get()
    assert response.status_code == 302
    html = english.get(page(selection)).content.decode()
    assert "红白事大操大办" in html  # the default veto
    assert "应美凤" in html and "王建国" in html and "陈小红" not in html

    english.post(step(selection, "confirm"))
    english.post(step(selection, "publish"), {"notice_until": today().isoformat()})
    selection.refresh_from_db()
    assert (selection.state, selection.notice_until) == (Selection.State.NOTICE, today())
    response = english.post(step(selection, "award"), follow=True)
    assert "after that day" in response.content.decode()  # the notice runs through today
    Selection.objects.filter(pk=selection.pk).update(notice_until=today() - timedelta(days=1))

    english.post(step(selection, "award"))
    titles = Title.objects.filter(level=Level.VILLAGE)
    assert sorted(titles.values_list("number", flat=True)) == ["0001", "0002"]

    response = english.post(step(selection, "nominate"), {"title": [t.pk for t in titles]})
    assert response.status_code == 302
    assert Nomination.objects.filter(to_level=Level.TOWN).count() == 2


def test_the_clerk_sets_the_conditions_and_bad_input_changes_nothing(english, alice, village_a, year, award):
    english.force_login(alice)
    english.post(START, {"village": village_a.pk, "year": year})
    selection = Selection.objects.get()

    response = english.post(step(selection, "conditions"), {"min_stars": "12"})
    assert response.status_code == 200
    assert "less than or equal to 9" in response.content.decode()
    selection.refresh_from_db()
    assert selection.min_stars is None

    english.post(step(selection, "conditions"), {f"domain_{award.domain.pk}": "6"})
    html = english.get(page(selection)).content.decode()
    assert selection.minimums.get().points == 6
    assert "王建国" not in html  # 4 points of awards: under the least of 6
    assert selection.veto_rules.count() == 0  # unticked on the form: no veto any more


def test_a_year_not_over_is_refused_with_a_message(english, alice, village_a):
    english.force_login(alice)

    response = english.post(START, {"village": village_a.pk, "year": today().year})

    assert response.status_code == 200
    assert "Titles are selected once the year has ended." in response.content.decode()
    assert not Selection.objects.exists()


def test_another_villages_clerk_and_the_unassigned_see_nothing(client, alice, bob, mallory, village_a, year):
    client.force_login(alice)
    client.post(START, {"village": village_a.pk, "year": year})
    selection = Selection.objects.get()

    client.force_login(bob)
    assert client.get(page(selection)).status_code == 404
    assert client.post(step(selection, "confirm")).status_code == 404
    assert client.post(START, {"village": village_a.pk, "year": year - 1}).status_code == 200
    assert Selection.objects.count() == 1
    client.force_login(mallory)
    assert client.get(page(selection)).status_code in (403, 404)
    assert Selection.objects.get().state == Selection.State.DRAFT


def test_the_town_officer_reads_the_selection_but_cannot_take_its_steps(client, alice, olivia, village_a, year):
    client.force_login(alice)
    client.post(START, {"village": village_a.pk, "year": year})
    selection = Selection.objects.get()

    client.force_login(olivia)
    assert client.get(page(selection)).status_code == 200
    assert client.post(step(selection, "confirm")).status_code == 403
    assert Selection.objects.get().state == Selection.State.DRAFT


def test_the_officer_selects_a_nominee_within_the_quota(english, awarded, alice, olivia, bob, town, town_quota):
    first, second = (title_nominate(title=title, by=alice) for title in awarded)
    english.force_login(olivia)

    html = english.get(NOMINEES).content.decode()
    assert "0 of 1 places used" in html
    english.post(reverse("admin:titles_nomination_select", args=[first.pk]))
    response = english.post(reverse("admin:titles_nomination_select", args=[second.pk]), follow=True)

    assert "is used up" in response.content.decode()
    assert list(Title.objects.filter(level=Level.TOWN).values_list("number", flat=True)) == [first.title.number]
    english.force_login(bob)
    assert english.post(reverse("admin:titles_nomination_select", args=[second.pk])).status_code == 404


def test_a_clerk_cannot_select_town_titles(client, awarded, alice, town_quota):
    nomination = title_nominate(title=awarded[0], by=alice)
    client.force_login(alice)

    client.post(reverse("admin:titles_nomination_select", args=[nomination.pk]))

    assert not Title.objects.filter(level=Level.TOWN).exists()


def test_the_county_officer_sets_a_towns_quota(client, connie, olivia, town, county, year):
    client.force_login(connie)
    add = reverse("admin:titles_quota_add")
    client.post(add, {"town": town.pk, "year": year, "places": 3})
    assert Quota.objects.get(town=town).places == 3

    client.force_login(olivia)
    client.post(add, {"town": town.pk, "year": year + 1, "places": 9})
    assert Quota.objects.count() == 1


def test_the_certificate_prints_the_village_year_level_and_stars(client, awarded, alice, bob):
    title = awarded[0]
    url = reverse("admin:titles_title_certificate", args=[title.pk])
    client.force_login(alice)

    html = client.get(url, {"size": "a5"}).content.decode()

    assert "农丰村" in html and str(title.year) in html and title.head_name in html
    assert 'class="size-a5"' in html
    client.force_login(bob)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("model", ["selection", "title", "nomination", "quota", "namedstar"])
def test_every_list_opens_for_clerks_and_officers(client, model, awarded, alice, olivia, connie, mallory, town_quota):
    title_nominate(title=awarded[0], by=alice)
    url = reverse(f"admin:titles_{model}_changelist")
    for user in (alice, olivia, connie):
        client.force_login(user)
        assert client.get(url).status_code == 200, user
    client.force_login(mallory)
    assert client.get(url).status_code == 403


def test_the_clerk_adds_a_named_star_from_the_villages_own_catalogue(client, alice, village_a, award, award_b):
    from titles.models import NamedStar

    client.force_login(alice)
    add = reverse("admin:titles_namedstar_add")
    assert client.get(add).status_code == 200
    data = {"village": village_a.pk, "name": "孝老星", "position": 1, "condition": "rule_uses", "n": 1}

    client.post(add, {**data, "rules": [award_b.pk]})
    assert not NamedStar.objects.exists()
    client.post(add, {**data, "rules": [award.pk]})
    assert list(NamedStar.objects.values_list("name", flat=True)) == ["孝老星"]
