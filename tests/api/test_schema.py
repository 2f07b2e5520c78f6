"""The schema says what the validation does: what it calls invalid is refused with a 400 and changes
nothing, and what it allows is read as it says. `test_fuzz` checks this everywhere with schemathesis;
these are the disagreements it found, one by one."""

import re

import pytest

from credits.models import Entry
from households.services import household_close
from tests.api.conftest import new_key
from tests.credits.ledger import today

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(api):
    return api().get("/api/schema/?format=json").json()


def parameter(schema, path, name, method="get"):
    return next(p for p in schema["paths"][path][method]["parameters"] if p["name"] == name)


@pytest.mark.parametrize("size", ["null", "0", "-1", "501", "1.5"])
def test_it_refuses_a_page_size_that_is_not_one(api, alice, a1, size):
    response = api(alice).get(f"/api/households/?page_size={size}")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and "page_size" in response.json()["details"]


def test_it_reads_an_empty_page_or_page_size_as_left_out(api, alice, a1, a2):
    body = api(alice).get("/api/households/?page=&page_size=").json()
    assert body["count"] == 2 and len(body["results"]) == 2
    assert len(api(alice).get("/api/households/?page_size=1").json()["results"]) == 1


def test_it_refuses_a_filter_that_is_not_true_or_false(api, alice, a1, a2):
    household_close(household=a2, by=alice)
    client = api(alice)
    assert client.get("/api/households/?active=abc").status_code == 400
    assert client.get("/api/households/?active=1").status_code == 400
    assert [h["id"] for h in client.get("/api/households/?active=false").json()["results"]] == [a2.pk]
    assert client.get("/api/households/?active=").json()["count"] == 2  # empty: no filter


def test_it_refuses_a_field_the_request_does_not_have(api, alice, a1, award):
    # A misspelt date must not quietly record the deed today.
    body = {"household": a1.pk, "rule": award.pk, "occured_on": "2020-01-01"}
    response = api(alice).post("/api/entries/", body, format="json")
    assert response.status_code == 400
    assert response.json()["details"] == {"occured_on": ["This request has no such field."]}
    assert not Entry.objects.filter(rule=award).exists()


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/households/A1/", {"active": 0}, "active"),
        ("/api/households/A1/", {"phone": 13812345678}, "phone"),
        ("/api/adjustments/", {"household": "A1", "points": "5", "reason": "补登"}, "points"),
        ("/api/adjustments/", {"household": "A1", "points": 5.5, "reason": "补登"}, "points"),
        ("/api/adjustments/", {"household": "A1", "points": True, "reason": "补登"}, "points"),
        ("/api/entries/", {"household": "A1", "rule": "AWARD", "occurred_on": "20240101"}, "occurred_on"),
        ("/api/entries/", {"household": "A1", "rule": "AWARD", "note": 12}, "note"),
        ("/api/entries/batch/", {"households": ["1"], "rule": "AWARD"}, "households"),
    ],
)
def test_it_refuses_a_value_of_another_json_type(api, alice, a1, award, path, body, field):
    ids = {"A1": a1.pk, "AWARD": award.pk}
    body = {key: ids.get(value, value) if isinstance(value, str) else value for key, value in body.items()}
    client = api(alice)
    send = client.patch if path.startswith("/api/households/") else client.post
    before = (a1.phone, a1.active, Entry.objects.count())

    response = send(path.replace("A1", str(a1.pk)), body, format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()["details"]
    a1.refresh_from_db()
    assert (a1.phone, a1.active, Entry.objects.count()) == before


def test_it_counts_a_texts_length_as_sent(api, alice, a1, award):
    body = {"household": a1.pk, "rule": award.pk, "note": " " * 200 + "扫"}
    response = api(alice).post("/api/entries/", body, format="json")
    assert response.status_code == 400 and "note" in response.json()["details"]


def test_it_takes_a_key_of_the_right_characters_only(api, sam, a1, shop_a, soap):
    body = {"household": a1.pk, "shop": shop_a.pk, "lines": [{"product": soap.pk, "quantity": 1}]}
    response = api(sam).post("/api/redemptions/", body, format="json", HTTP_IDEMPOTENCY_KEY="ok-" + "€")
    assert response.status_code == 400 and response.json()["code"] == "idempotency_key_invalid"
    assert api(sam).post("/api/redemptions/", body, format="json", HTTP_IDEMPOTENCY_KEY=new_key()).status_code == 201


def test_the_schema_describes_the_validation(schema):
    components = schema["components"]["schemas"]
    assert components["RecordRequest"]["additionalProperties"] is False
    assert "description" not in components["RecordRequest"]  # not RequestSerializer's docstring
    assert components["AdjustRequest"]["properties"]["points"]["not"] == {"enum": [0]}
    assert components["RedeemRequest"]["properties"]["lines"]["minItems"] == 1

    page_size = parameter(schema, "/api/households/", "page_size")
    assert page_size["schema"] == {"type": "integer", "minimum": 1, "maximum": 500}
    assert page_size["allowEmptyValue"] is True
    village = parameter(schema, "/api/households/", "village")["schema"]
    assert village == {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}
    household = parameter(schema, "/api/households/{id}/", "id")["schema"]
    assert (household["minimum"], household["maximum"]) == (1, 2**63 - 1)
    key = parameter(schema, "/api/redemptions/", "Idempotency-Key", method="post")["schema"]["pattern"]
    assert re.search(key, "abc-123") and not re.search(key, "abc€") and not re.search(key, "a" * 65)


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("扫地", True),
        ("  扫地 ", True),
        ("", False),
        ("   ", False),
        ("\u3000", False),
        ("a\x00b", False),
        ("a\tb", False),
    ],
)
def test_the_schema_calls_blank_what_the_api_trims_to_nothing(schema, api, alice, a1, text, valid):
    pattern = schema["components"]["schemas"]["AdjustRequest"]["properties"]["reason"]["pattern"]
    assert bool(re.search(pattern, text)) is valid
    if "\x00" not in text:  # a NUL is refused before any view, with its own code
        body = {"household": a1.pk, "points": 1, "reason": text, "occurred_on": today().isoformat()}
        status = api(alice).post("/api/adjustments/", body, format="json").status_code
        assert status in ((201, 202) if valid else (400,))  # 202: held for approval (cases)
