"""Every refusal is `{"code", "message"}` in the request's language, with its status; never a 500."""

import io
import json
from dataclasses import asdict

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.utils import translation

from credits.services import entry_record
from public.selectors import village_board
from tests.credits.ledger import today

pytestmark = pytest.mark.django_db


def test_it_answers_validation_errors_with_each_fields_messages(api, alice, a1):
    response = api(alice).post("/api/adjustments/", {"household": "abc", "reason": ""}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and body["message"]
    assert set(body["details"]) == {"household", "points", "reason"}


def test_it_names_what_it_did_not_find_alike_for_missing_and_not_yours(api, alice, a1, b1, award):
    body = {"household": a1.pk, "rule": 999_999, "occurred_on": today().isoformat()}
    unknown_rule = api(alice).post("/api/entries/", body, format="json")
    not_yours = api(alice).post("/api/entries/", {**body, "household": b1.pk, "rule": award.pk}, format="json")
    missing = api(alice).post("/api/entries/", {**body, "household": 999_999, "rule": award.pk}, format="json")

    assert (unknown_rule.status_code, unknown_rule.json()) == (
        404,
        {"code": "not_found", "message": "No rule with id 999999, or not one you may see."},
    )
    assert not_yours.status_code == missing.status_code == 404
    assert not_yours.json()["message"].replace(str(b1.pk), "N") == missing.json()["message"].replace("999999", "N")
    chinese = api(alice, language="zh-hans").post("/api/entries/", body, format="json").json()
    assert chinese["message"] == "没有编号为 999999 的积分项目，或不在您可查看的范围内。"


def test_it_speaks_the_requests_language(api, alice, a1):
    body = {"household": a1.pk, "points": 0, "reason": "测试"}
    chinese = api(alice, language="zh-hans").post("/api/adjustments/", body, format="json").json()
    english = api(alice, language="en").post("/api/adjustments/", body, format="json").json()
    assert chinese["code"] == english["code"] == "zero_points"
    with translation.override("zh-hans"):
        assert chinese["message"] == translation.gettext("The points must not be zero.") != english["message"]
    missing = api(alice, language="zh-hans").post("/api/adjustments/", {}, format="json").json()
    assert missing["details"]["points"] == ["该字段是必填项。"]
    anonymous = api(language="zh-hans").get("/api/villages/").json()
    assert (
        anonymous["code"] == "not_authenticated"
        and anonymous["message"] != "Authentication credentials were not provided."
    )


@pytest.mark.parametrize(
    "method, path, body, content_type, status, code",
    [
        ("post", "/api/adjustments/", "{not json", "application/json", 400, "parse_error"),
        (
            "post",
            "/api/adjustments/",
            "household=1",
            "application/x-www-form-urlencoded",
            415,
            "unsupported_media_type",
        ),
        ("post", "/api/adjustments/", "[1, 2]", "application/json", 400, "invalid"),
        ("post", "/api/adjustments/", "[" * 100_000, "application/json", 400, "parse_error"),
        ("post", "/api/adjustments/", '{"household": NaN}', "application/json", 400, "parse_error"),
        (
            "post",
            "/api/adjustments/",
            '{"household": 1.5, "points": "2", "reason": "x"}',
            "application/json",
            400,
            "invalid",
        ),
        (
            "post",
            "/api/adjustments/",
            '{"household": true, "points": 1, "reason": "x"}',
            "application/json",
            400,
            "invalid",
        ),
        (
            "post",
            "/api/adjustments/",
            '{"household": 1, "points": 1, "reason": "a\\u0000b"}',
            "application/json",
            400,
            "nul_character",
        ),
        (
            "post",
            "/api/entries/",
            '{"household": 1, "rule": 1, "occurred_on": "0000-01-01"}',
            "application/json",
            400,
            "invalid",
        ),
        (
            "post",
            "/api/entries/",
            '{"household": 1, "rule": 1, "occurred_on": "2024-02-30"}',
            "application/json",
            400,
            "invalid",
        ),
        (
            "post",
            "/api/entries/",
            '{"household": 1, "rule": 1, "note": "' + "长" * 201 + '"}',
            "application/json",
            400,
            "invalid",
        ),
        ("get", f"/api/households/{2**64}/", None, None, 404, "not_found"),
        ("get", "/api/households/999999/", None, None, 404, "not_found"),
        ("delete", "/api/households/", None, None, 405, "method_not_allowed"),
        ("get", "/api/households/?page=abc", None, None, 404, "not_found"),
        ("get", "/api/households/?page_size=-1", None, None, 400, "invalid"),
    ],
)
def test_it_refuses_malformed_requests_in_its_own_body(
    api, alice, a1, award, method, path, body, content_type, status, code
):
    client = api(alice)
    if body is None:
        response = getattr(client, method)(path)
    else:
        response = getattr(client, method)(path, body, content_type=content_type)
    assert response.status_code == status, response.content
    if code:
        assert response.json()["code"] == code and response.json()["message"]


def test_it_shows_the_board_like_the_board_page_with_no_phone(api, alice, a1, award):
    entry_record(household=a1, rule=award, occurred_on=today(), by=alice)
    response = api().get("/api/board/nongfeng/")
    assert response.status_code == 200
    body = response.json()
    expected = asdict(village_board(a1.village))
    assert (
        body["red_list"]
        == [dict(row) for row in expected["red_list"]]
        == [{"rank": 1, "number": "0001", "name": "应×", "stars": 0, "points": 2}]
    )
    assert body["recent_awards"][0]["name"] == "应×" and body["deductions"] is None
    assert "1381234" not in response.content.decode()
    assert api().get("/api/board/nowhere/").json()["code"] == "not_found"


def test_it_describes_every_view_in_a_valid_schema_without_warnings():
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=io.StringIO())


def test_it_serves_the_schema_and_the_docs_offline(api):
    schema = api().get("/api/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {"/api/households/{id}/entries/", "/api/redemptions/", "/api/board/{village_code}/"} <= set(paths)
    docs = api().get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in docs and "cdn" not in docs.lower()


def test_it_titles_and_describes_the_api_in_the_readers_language(api):
    chinese = api(language="zh-hans")

    info = chinese.get("/api/schema/?format=json").json()["info"]
    docs = chinese.get("/api/docs/").content.decode()

    assert info["title"] == "乡风积分 API 接口" and "权限与网页相同" in info["description"]
    assert "<title>乡风积分 API 接口</title>" in docs
    assert api().get("/api/schema/?format=json").json()["info"]["title"] == "Xiangfeng API"


# --- answered before or around the views: NUL bytes, over-size bodies, a database out of reach ---


def refused_json(response, status=400, code="nul_character"):
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == code and response.json()["message"]


def test_it_answers_the_api_in_json(api, alice, a1, village_a):
    client = api(alice)

    refused_json(api(None).get("/api/board/%00/"))
    refused_json(client.get("/api/households/", {"q": "\x00"}))
    body = {"village": village_a.pk, "number": "0100", "head_name": "曾\x00国"}
    refused_json(client.post("/api/households/", body, format="json"))
    refused_json(client.post("/api/households/", b'{"number": "\x00"}', content_type="application/json"))
    refused_json(client.post("/api/households/", {"\x00": 1}, format="json"))


def test_it_lets_a_backslash_u0000_typed_as_text_through(api, alice, village_a):
    body = json.dumps({"village": village_a.pk, "number": "0100", "head_name": "曾国\\u0000"})

    response = api(alice).post("/api/households/", body, content_type="application/json")

    assert response.status_code == 201, response.content
    assert response.json()["head_name"] == "曾国\\u0000"


def test_it_answers_a_body_over_the_limit_with_413_in_json(api, alice, a1, award, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = {"household": a1.pk, "rule": award.pk, "occurred_on": today().isoformat(), "note": "长" * 2000}

    response = api(alice, language="zh-hans").post("/api/entries/", body, format="json")

    refused_json(response, 413, "request_too_large")
    assert response.json()["message"] == "请求太大了。"
    assert a1.entries.count() == 1


def test_it_answers_a_dropped_database_connection_with_503_in_json(api, alice, a1, monkeypatch):
    def dropped(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("households.api.readable_households", dropped)

    response = api(alice).get("/api/households/")

    refused_json(response, 503, "database_unavailable")
    assert response["Retry-After"] == "5"


def test_it_answers_a_bug_with_500_in_json(api, alice, a1, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("households.api.readable_households", broken)

    refused_json(api(alice).get("/api/households/"), 500, "server_error")
