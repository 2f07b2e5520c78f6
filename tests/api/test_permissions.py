"""Every endpoint × every role: the API allows exactly what the pages allow, and no more.

Each row targets village A's things (household a1, shop A and its soap, a1's award and its
redemption, a1's claim and report, A's selections and titles). Alice keeps village A; Bob keeps B
and must find A's things missing (404); Sam keeps shop A: he reads the village's households, his
goods and redemptions, and redeems, but sees no ledger, no claim and no title and changes nothing
else (403); Olivia, the town's officer, reads everything, changes nothing (403) and selects the
town's titles among the nominees; Mallory, a villager with an account and no role, reads nothing
of anyone's (403, or an empty list where scope alone decides); anonymous gets the board and the
token endpoint only (401 elsewhere).
"""

import itertools
from datetime import timedelta

import pytest

from claims.services import claim_submit, claimable_set, report_submit
from tests.credits.ledger import today
from tests.titles.conftest import a3, after_notice, awarded, town_quota, wedding, year  # noqa: F401 (fixtures)
from titles.models import Selection
from titles.services import selection_confirm, selection_create, selection_publish, title_nominate

from .conftest import new_key

ROLES = ["alice", "bob", "sam", "olivia", "mallory", "anonymous"]
_names = itertools.count()


def unique(prefix):
    return f"{prefix}{next(_names)}"


# (method, path, body) built from the world `w`; then the status for each role in ROLES order.
ENDPOINTS = {
    "villages": (("get", lambda w: "/api/villages/", None), [200, 200, 200, 200, 200, 401]),
    "households": (("get", lambda w: "/api/households/", None), [200, 200, 200, 200, 200, 401]),
    "household create": (
        (
            "post",
            lambda w: "/api/households/",
            lambda w: {"village": w.village_a.pk, "number": unique("N"), "head_name": "赵六"},
        ),
        [201, 404, 403, 403, 403, 401],
    ),
    "household": (("get", lambda w: f"/api/households/{w.a1.pk}/", None), [200, 404, 200, 200, 404, 401]),
    "household patch": (
        ("patch", lambda w: f"/api/households/{w.a1.pk}/", lambda w: {"group": "第三组"}),
        [200, 404, 403, 403, 403, 401],
    ),
    "household entries": (
        ("get", lambda w: f"/api/households/{w.a1.pk}/entries/", None),
        [200, 404, 403, 200, 403, 401],
    ),
    "domains": (("get", lambda w: "/api/domains/", None), [200, 200, 403, 200, 403, 401]),
    "rules": (("get", lambda w: "/api/rules/", None), [200, 200, 403, 200, 403, 401]),
    "rule create": (
        (
            "post",
            lambda w: "/api/rules/",
            lambda w: {"domain": w.draft_award.domain_id, "name": unique("规则"), "points": 3},
        ),
        [201, 404, 403, 403, 403, 401],
    ),
    "rule": (("get", lambda w: f"/api/rules/{w.award.pk}/", None), [200, 404, 403, 200, 403, 401]),
    "rule patch": (
        ("patch", lambda w: f"/api/rules/{w.draft_award.pk}/", lambda w: {"description": "新标准"}),
        [200, 404, 403, 403, 403, 401],
    ),
    "catalogues": (("get", lambda w: "/api/catalogues/", None), [200, 200, 403, 200, 403, 401]),
    "catalogue": (
        ("get", lambda w: f"/api/catalogues/{w.award.version.catalogue_id}/", None),
        [200, 404, 403, 200, 403, 401],
    ),
    "version draft": (
        ("post", lambda w: f"/api/catalogues/{w.award.version.catalogue_id}/versions/", lambda w: {}),
        [201, 404, 403, 403, 403, 401],
    ),
    "version adopt": (
        (
            "post",
            lambda w: f"/api/versions/{w.draft.pk}/adopt/",
            lambda w: {"meeting": "村民代表大会", "adopted_on": today().isoformat(), "effective_from": "2099-01-01"},
        ),
        [200, 404, 403, 403, 403, 401],
    ),
    "entry create": (
        ("post", lambda w: "/api/entries/", lambda w: {"household": w.a1.pk, "rule": w.award.pk, "note": "n"}),
        [201, 404, 403, 403, 403, 401],
    ),
    "entry batch": (
        ("post", lambda w: "/api/entries/batch/", lambda w: {"households": [w.a1.pk, w.a2.pk], "rule": w.award.pk}),
        [201, 404, 403, 403, 403, 401],
    ),
    "entry reverse": (
        ("post", lambda w: f"/api/entries/{w.award_a1.pk}/reverse/", lambda w: {"reason": "记错了"}),
        [201, 404, 403, 403, 403, 401],
    ),
    "adjustment": (
        ("post", lambda w: "/api/adjustments/", lambda w: {"household": w.a1.pk, "points": 3, "reason": "补记"}),
        # 202: by default every adjustment waits for a second person's approval (cases).
        [202, 404, 403, 403, 403, 401],
    ),
    "shops": (("get", lambda w: "/api/shops/", None), [200, 200, 200, 200, 200, 401]),
    "products": (("get", lambda w: "/api/products/", None), [200, 200, 200, 200, 200, 401]),
    "product create": (
        (
            "post",
            lambda w: "/api/products/",
            lambda w: {"shop": w.shop_a.pk, "name": unique("商品"), "unit": "个", "price": 5},
        ),
        [201, 404, 403, 403, 403, 401],
    ),
    "product": (("get", lambda w: f"/api/products/{w.soap.pk}/", None), [200, 404, 200, 200, 404, 401]),
    "product patch": (
        ("patch", lambda w: f"/api/products/{w.soap.pk}/", lambda w: {"price": 12}),
        [200, 404, 403, 403, 403, 401],
    ),
    "product restock": (
        ("post", lambda w: f"/api/products/{w.soap.pk}/restock/", lambda w: {"quantity": 5, "note": "进货"}),
        [200, 404, 403, 403, 403, 401],
    ),
    "redemption create": (
        (
            "post",
            lambda w: "/api/redemptions/",
            lambda w: {"household": w.a1.pk, "shop": w.shop_a.pk, "lines": [{"product": w.soap.pk, "quantity": 1}]},
        ),
        [403, 404, 201, 403, 404, 401],
    ),
    "redemptions": (("get", lambda w: "/api/redemptions/", None), [200, 200, 200, 200, 200, 401]),
    "redemption": (("get", lambda w: f"/api/redemptions/{w.sale_a1.pk}/", None), [200, 404, 200, 200, 404, 401]),
    "redemption void": (
        ("post", lambda w: f"/api/redemptions/{w.sale_a1.pk}/void/", lambda w: {"reason": "退货"}),
        [200, 404, 403, 403, 403, 401],
    ),
    "activities": (("get", lambda w: "/api/activities/", None), [200, 200, 200, 200, 200, 401]),
    "activity publish": (
        (
            "post",
            lambda w: "/api/activities/",
            lambda w: {
                "village": w.village_a.pk,
                "title": "村民议事",
                "rule": w.award.pk,
                "held_on": today().isoformat(),
                "place": "文化礼堂",
                "signup_until": f"{today().isoformat()}T08:00:00+08:00",
            },
        ),
        [201, 404, 403, 403, 403, 401],
    ),
    "activity": (("get", lambda w: f"/api/activities/{w.activity_a.pk}/", None), [200, 404, 404, 200, 404, 401]),
    "activity patch": (
        ("patch", lambda w: f"/api/activities/{w.activity_a.pk}/", lambda w: {"place": "文化礼堂"}),
        [200, 404, 403, 403, 403, 401],
    ),
    "activity signups": (
        ("get", lambda w: f"/api/activities/{w.activity_a.pk}/signups/", None),
        [200, 404, 404, 200, 404, 401],
    ),
    "activity sign-up": (
        ("post", lambda w: f"/api/activities/{w.activity_a.pk}/signups/", lambda w: {"household": w.a2.pk}),
        [201, 404, 403, 403, 403, 401],
    ),
    "activity withdraw": (
        ("post", lambda w: f"/api/activities/{w.activity_a.pk}/withdraw/", lambda w: {"household": w.a1.pk}),
        [200, 404, 403, 403, 403, 401],
    ),
    # Checking in is the village's clerks' and the activity's organisers'; an officer reads only.
    "activity check-in": (
        ("post", lambda w: f"/api/activities/{w.activity_a.pk}/check-in/", lambda w: {"household": w.a1.pk}),
        [200, 404, 404, 403, 404, 401],
    ),
    "activity close": (
        ("post", lambda w: f"/api/activities/{w.activity_a.pk}/close/", lambda w: {}),
        [200, 404, 403, 403, 403, 401],
    ),
    "activity cancel": (
        ("post", lambda w: f"/api/activities/{w.activity_a.pk}/cancel/", lambda w: {}),
        [200, 404, 403, 403, 403, 401],
    ),
    "claims": (("get", lambda w: "/api/claims/", None), [200, 200, 403, 200, 403, 401]),
    "claim": (("get", lambda w: f"/api/claims/{w.claim_a1.pk}/", None), [200, 404, 403, 200, 403, 401]),
    "claim approve": (
        ("post", lambda w: f"/api/claims/{w.claim_a1.pk}/approve/", None),
        [200, 404, 403, 403, 403, 401],
    ),
    "claim reject": (
        ("post", lambda w: f"/api/claims/{w.claim_a1.pk}/reject/", lambda w: {"reason": "照片看不清"}),
        [200, 404, 403, 403, 403, 401],
    ),
    "village reports": (("get", lambda w: "/api/village-reports/", None), [200, 200, 403, 200, 403, 401]),
    "village report": (
        ("get", lambda w: f"/api/village-reports/{w.report_a1.pk}/", None),
        [200, 404, 403, 200, 403, 401],
    ),
    "village report handle": (
        ("post", lambda w: f"/api/village-reports/{w.report_a1.pk}/handle/", lambda w: {"note": "已清理"}),
        [200, 404, 403, 403, 403, 401],
    ),
    "selections": (("get", lambda w: "/api/selections/", None), [200, 200, 403, 200, 403, 401]),
    "selection create": (
        ("post", lambda w: "/api/selections/", lambda w: {"village": w.village_a.pk, "year": w.year - 4}),
        [201, 404, 403, 403, 403, 401],
    ),
    "selection": (
        ("get", lambda w: f"/api/selections/{w.draft_selection.pk}/", None),
        [200, 404, 403, 200, 403, 401],
    ),
    "selection confirm": (
        ("post", lambda w: f"/api/selections/{w.draft_selection.pk}/confirm/", None),
        [200, 404, 403, 403, 403, 401],
    ),
    "selection publish": (
        (
            "post",
            lambda w: f"/api/selections/{w.confirmed_selection.pk}/publish/",
            lambda w: {"notice_until": today().isoformat()},
        ),
        [200, 404, 403, 403, 403, 401],
    ),
    "selection award": (
        ("post", lambda w: f"/api/selections/{w.notice_over.pk}/award/", None),
        [200, 404, 403, 403, 403, 401],
    ),
    "titles": (("get", lambda w: "/api/titles/", None), [200, 200, 403, 200, 403, 401]),
    "title nominate": (
        ("post", lambda w: f"/api/titles/{w.awarded[0].pk}/nominate/", None),
        [201, 404, 403, 403, 403, 401],
    ),
    "nominations": (("get", lambda w: "/api/nominations/", None), [200, 200, 403, 200, 403, 401]),
    # The town's nominees are its officers' to select, within its quota; a clerk finds none of them.
    "nomination select": (
        ("post", lambda w: f"/api/nominations/{w.nominated.pk}/select/", None),
        [404, 404, 403, 201, 403, 401],
    ),
    "board": (("get", lambda w: "/api/board/nongfeng/", None), [200, 200, 200, 200, 200, 200]),
    "schema": (("get", lambda w: "/api/schema/", None), [200, 200, 200, 200, 200, 200]),
    "docs": (("get", lambda w: "/api/docs/", None), [200, 200, 200, 200, 200, 200]),
}

# What each list shows of village A's things, by role: lists are filtered to scope.
LISTS = {
    "villages": lambda w: w.village_a.pk,
    "households": lambda w: w.a1.pk,
    "shops": lambda w: w.shop_a.pk,
    "products": lambda w: w.soap.pk,
    "redemptions": lambda w: w.sale_a1.pk,
    "claims": lambda w: w.claim_a1.pk,
    "village reports": lambda w: w.report_a1.pk,
    "selections": lambda w: w.draft_selection.pk,
    "titles": lambda w: w.awarded[0].pk,
    "nominations": lambda w: w.nominated.pk,
}
SEES_A = {"alice": True, "bob": False, "sam": True, "olivia": True, "mallory": False}
# Nominations are the officers' who decide them, not the nominating village's clerk's.
SEES = {"nominations": {**SEES_A, "alice": False}}


@pytest.fixture
def claim_a1(village_a, alice, a1, award):
    claimable_set(village=village_a, keys=[award.key], by=alice)
    return claim_submit(household=a1, rule=award, occurred_on=today(), description="帮邻居收稻子")


@pytest.fixture
def report_a1(a1):
    return report_submit(household=a1, description="桥边一堆垃圾", place="东桥")


@pytest.fixture
def draft_selection(village_a, alice, year):  # noqa: F811
    return selection_create(village=village_a, year=year - 1, by=alice)


@pytest.fixture
def confirmed_selection(village_a, alice, year):  # noqa: F811
    return selection_confirm(selection=selection_create(village=village_a, year=year - 2, by=alice), by=alice)


@pytest.fixture
def notice_over(confirmed_selection, alice):
    """The confirmed selection published, its notice ended yesterday (as if published days ago)."""
    selection_publish(selection=confirmed_selection, by=alice, notice_until=today())
    Selection.objects.filter(pk=confirmed_selection.pk).update(notice_until=today() - timedelta(days=1))
    return confirmed_selection


@pytest.fixture
def nominated(awarded, alice, town_quota):  # noqa: F811
    """A village title of 农丰村 nominated to the town, which has a place left."""
    return title_nominate(title=awarded[0], by=alice)


class World:
    def __init__(self, request):
        self._request = request

    def __getattr__(self, name):
        return self._request.getfixturevalue(name)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_it_allows_each_role_exactly_what_the_pages_allow(
    endpoint, role, request, api, shop_a, shop_b, olivia, county
):
    (method, path, body), statuses = ENDPOINTS[endpoint]
    world = World(request)
    user = None if role == "anonymous" else request.getfixturevalue(role)
    client = api(user)
    url = path(world)
    data = body(world) if body else None
    listed = LISTS[endpoint](world) if endpoint in LISTS else None
    headers = {"HTTP_IDEMPOTENCY_KEY": new_key()} if endpoint == "redemption create" else {}
    response = getattr(client, method)(url, data, format="json", **headers) if data else getattr(client, method)(url)
    expected = statuses[ROLES.index(role)]
    assert response.status_code == expected, (endpoint, role, response.content[:300])
    if expected >= 400:
        body_ = response.json()
        assert set(body_) >= {"code", "message"} and body_["message"]
    if endpoint in LISTS and expected == 200 and role != "anonymous":
        shown = [row["id"] for row in response.json()["results"]]
        assert (listed in shown) is SEES.get(endpoint, SEES_A)[role], (endpoint, role, shown)


def test_it_gives_a_token_for_the_right_password_only(api, alice, password):
    response = api().post("/api/auth/token/", {"username": "alice", "password": password}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/villages/").status_code == 200
    wrong = api().post("/api/auth/token/", {"username": "alice", "password": "nope"}, format="json")
    assert (wrong.status_code, wrong.json()["code"]) == (400, "bad_credentials")


def test_it_refuses_a_bad_token_with_401(api, alice):
    client = api()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.get("/api/villages/")
    assert (response.status_code, response.json()["code"]) == (401, "authentication_failed")
    assert response["WWW-Authenticate"] == "Token"


def test_it_shows_mallory_nothing(api, mallory, a1, b1, shop_a, soap, sale_a1):
    client = api(mallory)
    paths = ["/api/villages/", "/api/households/", "/api/shops/", "/api/products/", "/api/redemptions/"]
    for path in [*paths, "/api/activities/"]:
        response = client.get(path)
        assert (response.status_code, response.json()["results"]) == (200, []), path
    assert client.get(f"/api/households/{a1.pk}/").status_code == 404
    assert client.get("/api/rules/").status_code == 403


def test_it_lets_tess_touch_nothing_of_shop_a(api, tess, shop_a, shop_b, soap, a1, sale_a1):
    client = api(tess)
    assert client.get(f"/api/products/{soap.pk}/").status_code == 404
    assert client.get(f"/api/redemptions/{sale_a1.pk}/").status_code == 404
    assert client.get(f"/api/households/{a1.pk}/").status_code == 404
    body = {"household": a1.pk, "shop": shop_a.pk, "lines": [{"product": soap.pk, "quantity": 1}]}
    response = client.post("/api/redemptions/", body, format="json", HTTP_IDEMPOTENCY_KEY=new_key())
    assert response.status_code == 404


def test_it_accepts_the_session_with_csrf_only(client, alice, a1, award, password):
    """The pages' own scripts use the session cookie; a write then needs the CSRF token."""
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    assert browser.get("/api/households/").status_code == 200
    body = {"household": a1.pk, "rule": award.pk, "occurred_on": today().isoformat()}
    refused = browser.post("/api/entries/", body, content_type="application/json")
    assert (refused.status_code, refused.json()["code"]) == (403, "permission_denied")
    browser.get("/lookup/")  # any page with a form sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    done = browser.post("/api/entries/", body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert done.status_code == 201


def test_it_locks_the_token_endpoint_after_repeated_failures_like_the_login_page(api, alice, password, settings):
    for _ in range(settings.XIANGFENG_LOGIN_MAX_FAILURES - 1):
        response = api().post("/api/auth/token/", {"username": "alice", "password": "wrong"}, format="json")
        assert response.status_code == 400
    locked = api().post("/api/auth/token/", {"username": "alice", "password": "wrong"}, format="json")
    assert (locked.status_code, locked.json()["code"]) == (429, "locked_out")
    still = api().post("/api/auth/token/", {"username": "alice", "password": password}, format="json")
    assert (still.status_code, still.json()["code"]) == (429, "locked_out")
