"""The site's own error pages: in the user's language and the site's look, saying where to go next;
and no door shown or opened to someone it is not for."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error

CHINESE = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.mark.django_db
def test_it_answers_a_wrong_address_with_its_own_page_in_chinese(client):
    response = client.get("/no/such/page/", **CHINESE)

    page = response.content.decode()
    assert response.status_code == 404
    assert "找不到此页面" in page and "site.css" in page
    assert 'href="/lookup/"' in page and "/accounts/login/?next=/no/such/page/" in page
    assert "Not Found" not in page


def test_it_tells_a_clerk_at_the_counter_who_may_use_it_and_where_to_go(client, alice):
    client.force_login(alice)

    response = client.get(reverse("counter:home"), **CHINESE)

    page = response.content.decode()
    assert response.status_code == 403
    assert "只有超市管理员才能使用兑换柜台" in page
    assert f'href="{reverse("admin:index")}"' in page  # her own place
    assert f'href="{reverse("counter:home")}"' not in page


def test_it_answers_a_stale_form_with_its_own_page(alice):
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("login"), {"username": "alice", "password": "x"}, **CHINESE)

    assert response.status_code == 403
    assert "表单已过期" in response.content.decode()


@pytest.mark.django_db
def test_it_answers_a_failure_with_its_own_page_without_needing_the_request_context():
    with translation.override("zh-hans"):
        response = server_error(RequestFactory().get("/"))

    page = response.content.decode()
    assert response.status_code == 500
    assert "出错了" in page and "site.css" in page


def test_it_shows_each_person_only_the_doors_they_may_open(client, alice, sam, shop_a):
    def tiles(user=None):
        if user:
            client.force_login(user)
        page = client.get("/").content.decode()
        return {name for name, url in [("counter", "/counter/"), ("admin", "/admin/")] if f'href="{url}"' in page}

    assert tiles() == {"counter", "admin"}  # a stranger sees every door, each asks to log in
    assert tiles(alice) == {"admin"}
    assert tiles(sam) == {"counter"}
