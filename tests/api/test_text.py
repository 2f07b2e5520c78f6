"""The API refuses control characters in names, notes and reasons, naming the field and the character."""

import pytest

from exchange.models import RedemptionVoid
from households.models import Household

pytestmark = pytest.mark.django_db


def test_it_answers_the_api_with_the_field_and_the_character(api, alice, village_a, a1, award, sale_a1):
    client = api(alice)

    opened = client.post("/api/households/", {"village": village_a.pk, "number": "0100", "head_name": "曾\x0b国"},
                         format="json")  # fmt: skip
    edited = client.patch(f"/api/households/{a1.pk}/", {"address": "村东\x1f8号"}, format="json")
    noted = client.post("/api/entries/", {"household": a1.pk, "rule": award.pk, "occurred_on": "2026-01-02",
                                          "note": "\x07"}, format="json")  # fmt: skip
    voided = client.post(f"/api/redemptions/{sale_a1.pk}/void/", {"reason": "退\u2028货"}, format="json")

    for response, field, character in [
        (opened, "head_name", "U+000B"),
        (edited, "address", "U+001F"),
        (noted, "note", "U+0007"),
        (voided, "reason", "U+2028"),
    ]:
        assert response.status_code == 400, response.content
        body = response.json()
        assert body["code"] == "invalid" and character in body["details"][field][0]
    assert not Household.objects.filter(number="0100").exists()
    assert Household.objects.get(pk=a1.pk).address == ""
    assert not RedemptionVoid.objects.exists()
