"""The export page speaks the user's language: each column under its heading in the sheet."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url", ["admin:households_household_export", "admin:credits_entry_export", "admin:exchange_redemption_export"]
)
def test_it_labels_the_export_form_in_chinese(client, alice, url):
    client.force_login(alice)

    page = client.get(reverse(url), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "Select all" not in page and "全选" in page
    assert "Village (" not in page and "Head Name" not in page
    assert "户主" in page
