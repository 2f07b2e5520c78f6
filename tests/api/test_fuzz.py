"""Schemathesis against `/api/schema/`, as a clerk and as a shopkeeper: every operation, valid and
invalid requests, and never a 5xx, never an answer the schema does not describe.

Each generated request is sent twice: as generated (its ids are mostly nobody's, so it meets the
404s and the validation), and again with every id in its path and body pointed at a real thing of
village A, so the fuzzed fields reach the services. After every write, `reconcile` must still find
the books agreeing. Examples per operation are few (`EXAMPLES`) to keep the suite quick; raise
them locally for a deeper run.
"""

import os
import uuid

import pytest
import schemathesis
from django.core import signals
from django.core.management import call_command
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cases.services import record
from config.wsgi import application
from credits.services import entry_record
from tests.credits.ledger import today

EXAMPLES = int(os.environ.get("XIANGFENG_FUZZ_EXAMPLES", "10"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


def load_schema(*, coverage: bool):
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], max_examples=EXAMPLES)
    # The coverage phase adds schemathesis' deterministic edge cases (each field missing, of the
    # wrong type, at its bounds) to the random ones: run once, as the clerk, who may write most.
    schema.config.phases.coverage.enabled = coverage
    # Logging in is its own test (test_permissions): fuzzing it would only lock the accounts out.
    return schema.exclude(path="/api/auth/token/")


clerk_schema = load_schema(coverage=True)
shopkeeper_schema = load_schema(coverage=False)

ID_FIELDS = {"household", "shop", "product", "rule", "village", "domain"}


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Requests go through the real WSGI handler, whose end-of-request hook would close the
    connection holding the test's transaction; Django's test client unhooks it the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_world(request, alice, sam, a1, a2, award, deduction, shop_a, soap, sale_a1):
    award_a1 = entry_record(household=a1, rule=award, occurred_on=today(), by=alice)
    (case_a2,) = record(households=[a2], rule=deduction, occurred_on=today(), by=alice).cases
    return {
        "household": a1.pk,
        "shop": shop_a.pk,
        "product": soap.pk,
        "rule": award.pk,
        "village": a1.village_id,
        "domain": award.domain_id,
        # Path ids, by the collection they name.
        "households": a1.pk,
        "products": soap.pk,
        "rules": award.pk,
        "catalogues": award.version.catalogue_id,
        "versions": award.version_id,
        "entries": award_a1.pk,
        "redemptions": sale_a1.pk,
        "cases": case_a2.pk,
        "board": "nongfeng",
    }


def aimed(case, world) -> bool:
    """Point the case's ids at village A's real things; False if it names none."""
    changed = False
    collection = case.operation.path.split("/")[2]
    for name in list(case.path_parameters or {}):
        case.path_parameters[name] = world["board"] if name == "village_code" else world[collection]
        changed = True
    if "Idempotency-Key" in (case.headers or {}):
        # A fresh key: hypothesis repeats short keys across examples, which would only meet the
        # "key reused" refusal (test_idempotency covers it) and never reach the shop.
        case.headers["Idempotency-Key"], changed = uuid.uuid4().hex, True
    body = case.body
    if isinstance(body, dict):
        for field in ID_FIELDS & set(body):
            body[field], changed = world[field], True
        if isinstance(body.get("households"), list):
            body["households"], changed = [world["household"]], True
        if isinstance(body.get("lines"), list):
            # One or two of soap: random quantities would nearly always exceed the stock or the balance.
            body["lines"] = [aimed_line(line, world) for line in body["lines"][:2]]
            changed = True
    return changed


def aimed_line(line, world):
    if not isinstance(line, dict):
        return line
    quantity = line.get("quantity")
    positive = isinstance(quantity, int) and not isinstance(quantity, bool) and quantity > 0
    return {**line, "product": world["product"], **({"quantity": 1} if positive else {})}


def token_of(user):
    from accounts.tokens import api_token_create

    return api_token_create(user=user)[0]


def fuzz(case, user, world):
    headers = {"Authorization": f"Token {token_of(user)}"}
    case.call_and_validate(headers=headers, checks=CHECKS)
    if aimed(case, world):
        case.call_and_validate(headers=headers, checks=CHECKS)
    if case.method.upper() != "GET":
        call_command("reconcile", stdout=open(os.devnull, "w"))  # raises on any difference


FUZZ_SETTINGS = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
    derandomize=True,
    database=None,
)


@pytest.mark.django_db
@clerk_schema.parametrize()
@FUZZ_SETTINGS
def test_it_holds_under_fuzzing_as_a_clerk(case, alice, fuzz_world):
    fuzz(case, alice, fuzz_world)


@pytest.mark.django_db
@shopkeeper_schema.parametrize()
@FUZZ_SETTINGS
def test_it_holds_under_fuzzing_as_a_shopkeeper(case, sam, fuzz_world):
    fuzz(case, sam, fuzz_world)
