"""The nine-star scheme's form in the admin offers the village's domains and rules once each, by key,
as the version in force has them; one only in a later adopted version says so."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from credits.services import rule_create, version_adopt
from tests.credits.ledger import today
from titles.models import NamedStar

pytestmark = pytest.mark.django_db

ADD = reverse("admin:titles_namedstar_add")


@pytest.fixture
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def adopted(draft, draft_award, alice):
    """农丰村's version 2, adopted today and in force in five days, bringing a new rule 护河爱河."""
    river = rule_create(domain=draft_award.domain, name="护河爱河", points=3, by=alice)
    version_adopt(
        version=draft, meeting="村民代表大会", adopted_on=today(), effective_from=today() + timedelta(days=5), by=alice
    )
    return river


def checkbox(html, pk):
    return f'name="rules" value="{pk}"' in html


def test_each_rule_and_domain_is_offered_once_as_in_force(english, alice, award, draft_award, adopted):
    english.force_login(alice)

    html = english.get(ADD).content.decode()

    assert html.count(f"{award.name} (+2)") == 1 and checkbox(html, award.pk) and not checkbox(html, draft_award.pk)
    assert html.count(f">{award.domain.name}<") == 1
    assert "护河爱河 (+3)（from version 2, in force from" in html and checkbox(html, adopted.pk)


def test_a_star_saved_with_another_versions_copy_shows_its_rule_chosen(
    english, alice, village_a, award, draft_award, adopted
):
    star = NamedStar.objects.create(village=village_a, name="热心星", position=1, condition="rule_uses", n=1)
    star.rules.add(draft_award)
    english.force_login(alice)

    html = english.get(reverse("admin:titles_namedstar_change", args=[star.pk])).content.decode()

    assert re.search(rf'<input [^>]*name="rules" value="{award.pk}"[^>]*checked', html)


def test_the_clerk_saves_a_star_with_the_rule_in_force(english, alice, village_a, award, draft_award, adopted):
    english.force_login(alice)
    data = {"village": village_a.pk, "name": "孝老星", "position": 1, "condition": "rule_uses", "n": 1}

    english.post(ADD, {**data, "rules": [draft_award.pk]})
    assert not NamedStar.objects.exists()
    response = english.post(ADD, {**data, "rules": [award.pk, adopted.pk]})

    assert response.status_code == 302
    assert set(NamedStar.objects.get().rules.values_list("pk", flat=True)) == {award.pk, adopted.pk}


def test_the_form_has_no_links_to_add_a_rule_or_domain_to_an_adopted_version(english, alice, award):
    english.force_login(alice)
    html = english.get(ADD).content.decode()
    for name in ("rule", "domain"):
        assert reverse(f"admin:credits_{name}_add") + "?_to_field" not in html, name
