"""A NUL byte anywhere in a request is a 400 that says so, on every page (the API: tests/api/test_errors.py).

PostgreSQL cannot hold a NUL in text: before this guard, `GET /api/board/%00/` and a search for
`%00` answered 500 there.
"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

pytestmark = pytest.mark.django_db

MESSAGE = "NUL character (U+0000)"


def refused_page(response):
    assert response.status_code == 400
    assert MESSAGE in response.content.decode()


@pytest.fixture
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_it_refuses_a_nul_in_a_path_or_a_query_on_the_pages(english, alice, sam, shop_a, a1):
    english.force_login(sam)
    refused_page(english.get(f"/counter/{shop_a.pk}/", {"q": "\x00"}))
    refused_page(english.get("/board/%00/"))
    english.force_login(alice)
    refused_page(english.get(reverse("admin:households_household_changelist"), {"group": "\x00"}))
    refused_page(english.get("/lookup/", {"number": "0001\x00"}))


def test_it_refuses_a_nul_in_a_form_and_changes_nothing(english, alice, a1):
    english.force_login(alice)

    response = english.post(reverse("admin:households_household_change", args=[a1.pk]), {"head_name": "王\x00五"})

    refused_page(response)
    a1.refresh_from_db()
    assert a1.head_name == "应美凤"


def test_it_leaves_an_uploaded_files_bytes_to_the_view(client, alice, village_a):
    book = Workbook()
    book.active.append(["户号", "户主"])
    book.active.append(["0101", "张志强"])
    out = io.BytesIO()
    book.save(out)
    assert b"\x00" in out.getvalue()
    client.force_login(alice)

    upload = SimpleUploadedFile("roster.xlsx", out.getvalue())
    response = client.post(reverse("admin:households_household_import"), {"import_file": upload, "format": 1,
                                                                          "resource": 0}, follow=True)  # fmt: skip

    assert response.status_code == 200
    assert response.context["job"].state == "checked"
