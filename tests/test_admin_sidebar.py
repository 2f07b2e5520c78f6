"""The admin's sidebar, kept drawn (config/admin_site.py, templates/admin/nav_sidebar.html).

Every admin page repeats the sidebar's list of what its user may reach. It is drawn once for each
set of permissions, language and section, and must always be the list Django would draw afresh.
"""

import re

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from cases.models import ProcessSettings

NO_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
HOUSEHOLD_ADD = reverse("admin:households_household_add")


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def sidebar(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return re.search(r'<nav class="sticky" id="nav-sidebar".*?</nav>', response.content.decode(), re.S).group()


def pages(household) -> list[str]:
    return [
        reverse("admin:households_household_change", args=[household.pk]),
        reverse("admin:households_household_statement", args=[household.pk]),
        reverse("admin:households_household_changelist"),
        reverse("admin:credits_entry_changelist"),
    ]


@pytest.mark.parametrize("who", ["alice", "olivia", "admin_user"])
def test_it_is_the_sidebar_django_draws_afresh(client, request, who, a1):
    client.force_login(request.getfixturevalue(who))
    for url in pages(a1):
        kept = [sidebar(client, url), sidebar(client, url)]  # drawn, then from the cache
        with override_settings(CACHES=NO_CACHE):
            assert kept == [sidebar(client, url)] * 2


def test_it_marks_the_model_of_each_page_even_when_another_page_drew_it(client, alice, a1):
    client.force_login(alice)
    statement, households, entries = pages(a1)[1:]
    assert 'class="model-household current-model"' in sidebar(client, statement)
    assert 'class="model-household current-model"' in sidebar(client, households)
    drawn = sidebar(client, entries)
    assert 'class="model-entry current-model"' in drawn
    assert "current-model" not in drawn.replace('class="model-entry current-model"', "")


def test_it_never_shows_a_clerk_what_it_showed_the_superuser(client, alice, admin_user, a1):
    url = reverse("admin:households_household_statement", args=[a1.pk])
    client.force_login(admin_user)
    assert reverse("admin:auth_user_changelist") in sidebar(client, url)
    client.force_login(alice)
    assert reverse("admin:auth_user_changelist") not in sidebar(client, url)


def test_it_follows_a_change_of_what_the_clerk_may_do_at_once(client, alice, village_a, a1):
    url = reverse("admin:households_household_changelist")
    client.force_login(alice)
    assert HOUSEHOLD_ADD in sidebar(client, url)
    # Alice no longer keeps the village: she has nowhere to open a household.
    village_a.clerks.remove(alice)
    assert HOUSEHOLD_ADD not in sidebar(client, url)


def test_it_follows_the_villages_settings_being_made(client, alice, village_a):
    url = reverse("admin:households_household_changelist")
    add_settings = reverse("admin:cases_processsettings_add")
    client.force_login(alice)
    assert add_settings in sidebar(client, url)
    # Her one village has its settings now: there are none left to add.
    ProcessSettings.objects.create(village=village_a)
    assert add_settings not in sidebar(client, url)


def test_it_speaks_the_pages_language(client, alice, a1):
    client.force_login(alice)
    url = reverse("admin:households_household_statement", args=[a1.pk])
    english = sidebar(client, url)
    chinese = client.get(url, headers={"accept-language": "zh-hans"})
    assert english not in chinese.content.decode()
    assert "户" in re.search(r'id="nav-sidebar".*?</nav>', chinese.content.decode(), re.S).group()
