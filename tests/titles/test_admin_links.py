"""Every link and button on the titles' admin pages is one its reader may use.

A crawl from the titles' app page through every page under it, for each role: every link it meets
under /admin/titles/ opens (no 403), and every button it may press (not disabled) posts without a
refusal. A link a user may not follow is not shown.
"""

import re
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.contrib.messages import ERROR
from django.db import transaction
from django.urls import reverse

from titles.models import NamedStar
from titles.services import title_nominate, title_select

pytestmark = pytest.mark.django_db

APP = reverse("admin:app_list", args=["titles"])
LINK = re.compile(r'<a [^>]*href="([^"#]+)"')
FORM = re.compile(r'<form [^>]*action="([^"]+)"[^>]*>(.*?)</form>', re.S)
SUBMIT = re.compile(r'<input type="submit"[^>]*>')


@pytest.fixture
def world(awarded, alice, olivia, town_quota, county_quota, award, village_a):
    """Village titles nominated to the town, one selected there and nominated on to the county, one
    place left in the town's quota; a named star."""
    first, _second = (title_nominate(title=title, by=alice) for title in awarded)
    town_quota.places = 2
    town_quota.save()
    title_nominate(title=title_select(nomination=first, by=olivia), by=olivia)
    star = NamedStar.objects.create(village=village_a, name="孝老星", position=1, condition="rule_uses", n=1)
    star.rules.add(award)


def _titles_links(html: str) -> set[str]:
    return {urlsplit(unescape(href)).path for href in LINK.findall(html) if href.startswith("/admin/titles/")}


def crawl(client) -> dict[str, str]:
    """Every page under /admin/titles/ reachable by links from the app's page: {path: html}."""
    pages, todo = {}, [APP]
    while todo:
        path = todo.pop()
        if path in pages:
            continue
        assert len(pages) < 200, "the crawl runs away"
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        pages[path] = response.content.decode() if response.get("Content-Type", "").startswith("text/html") else ""
        todo.extend(_titles_links(pages[path]) - pages.keys())
    return pages


def post_rolled_back(client, action):
    with transaction.atomic():
        response = client.post(action, follow=True)
        transaction.set_rollback(True)
    return response


@pytest.mark.parametrize("who", ["alice", "bob", "olivia", "connie", "root"])
def test_every_titles_link_and_button_is_one_the_user_may_use(client, world, who, request):
    client.force_login(request.getfixturevalue(who))

    pages = crawl(client)

    actions = {
        unescape(action)
        for html in pages.values()
        for action, body in FORM.findall(html)
        if action.startswith("/admin/titles/") and any(" disabled" not in button for button in SUBMIT.findall(body))
    }
    assert actions or who in ("alice", "bob")
    for action in actions:
        response = post_rolled_back(client, action)
        assert response.status_code == 200, (action, response.status_code)
        refusals = [str(m) for m in response.context["messages"] if m.level == ERROR]
        assert not refusals, (action, refusals)


def test_a_town_officer_is_not_offered_to_add_a_quota(client, olivia, connie, town_quota):
    add = reverse("admin:titles_quota_add")
    client.force_login(olivia)
    for url in (APP, reverse("admin:titles_quota_changelist"), reverse("admin:index")):
        assert add not in client.get(url).content.decode(), url
    client.force_login(connie)
    assert add in client.get(reverse("admin:titles_quota_changelist")).content.decode()


def test_a_full_quota_turns_the_select_buttons_off(client, awarded, alice, olivia, town_quota):
    first, second = (title_nominate(title=title, by=alice) for title in awarded)
    title_select(nomination=first, by=olivia)
    client.force_login(olivia)

    html = client.get(reverse("admin:titles_nomination_changelist")).content.decode()

    button = re.search(rf'<input [^>]*id="xf-select-nongfeng-{second.title.number}"[^>]*>', html).group(0)
    assert " disabled" in button


def test_the_titles_list_names_the_village_only_for_a_reader_of_several(client, world, alice, olivia, village_b):
    url = reverse("admin:titles_title_changelist")
    client.force_login(alice)
    assert "column-village" not in client.get(url).content.decode()
    client.force_login(olivia)
    assert "column-village" in client.get(url).content.decode()
