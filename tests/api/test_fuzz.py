"""Schemathesis against `/api/schema/`: every operation the schema has, every check schemathesis
has, as a clerk, as a shopkeeper and anonymously. The schema and the validation must agree: what
the schema allows is accepted (or refused only by the state it meets), what it refuses is refused,
and every answer, status and header is one the schema describes. Never a 5xx.

Each operation runs schemathesis' coverage phase (each field missing, of the wrong type, at its
bounds, each method the path does not have) and `EXAMPLES` random valid and invalid requests. Each
request is sent as generated; its ids are mostly nobody's, so when it meets a 404 it is sent again
with the ids of its valid parts pointed at real things of village A, so the fuzzed fields reach
the views and the services. After every write, `reconcile` must still find the books agreeing.
A stateful run per role then chains requests by the schema's links, for the checks that follow a
resource from one request to the next.

`tests/api/schemathesis.toml` says what the checks expect and why. The examples are derandomized,
so a run is the same every time; raise `XIANGFENG_FUZZ_EXAMPLES` locally for a deeper run.
"""

import os
import uuid
from pathlib import Path

import pytest
import schemathesis
from django.core import signals
from django.core.management import call_command
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.config import SchemathesisConfig
from schemathesis.core.parameters import ParameterLocation

from cases.services import record
from claims.services import claim_submit, claimable_set, report_submit
from config.wsgi import application
from credits.services import entry_record
from tests.api import schemathesis_hooks
from tests.credits.ledger import today
from years.services import year_close

EXAMPLES = int(os.environ.get("XIANGFENG_FUZZ_EXAMPLES", "10"))
ROLES = ["clerk", "shopkeeper", "anonymous"]

schema = schemathesis.openapi.from_wsgi(
    "/api/schema/?format=json",
    application,
    config=SchemathesisConfig.from_path(Path(__file__).with_name("schemathesis.toml")),
)
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], max_examples=EXAMPLES)
schema.config.phases.coverage.enabled = True

ID_FIELDS = {"household", "shop", "product", "rule", "village", "domain"}


def test_it_runs_every_check_schemathesis_has():
    """No check is left out: `call_and_validate` runs each registered check the config enables."""
    load_all_checks()
    checks = schema.config.checks_config_for()
    names = set(CHECKS.get_all_names())
    assert {"negative_data_rejection", "positive_data_acceptance", "ignored_auth", "unsupported_method"} <= names
    assert schemathesis_hooks.refusal_needs_state.__name__ in names
    assert all(checks.get_by_name(name=name).enabled for name in names)


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
def fuzz_world(request, alice, sam, a1, a2, award, deduction, shop_a, soap, sale_a1, activity_a):
    award_a1 = entry_record(household=a1, rule=award, occurred_on=today(), by=alice)
    (case_a2,) = record(households=[a2], rule=deduction, occurred_on=today(), by=alice).cases
    # A year long past closed, so the year closes' paths reach a real one.
    close = year_close(village=a1.village, year=today().year - 3, by=alice)
    # A claim and a report waiting for the clerk, so the claims' paths reach real ones.
    claimable_set(village=a1.village, keys=[award.key], by=alice)
    claim = claim_submit(household=a2, rule=award, occurred_on=today(), description="帮邻居收稻谷")
    report = report_submit(household=a2, description="桥边有垃圾", place="东桥")
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
        "villages": a1.village_id,
        "year-closes": close.pk,
        "claims": claim.pk,
        "village-reports": report.pk,
        "activities": activity_a.pk,
        "year": today().year,
        "village_code": "nongfeng",
    }


def aimed(case, world) -> bool:
    """Point the ids of the case's valid parts at village A's real things; False if it names none.

    An invalid part is left as generated, so a case meant to be refused still is.
    """
    changed = False
    meta = case.meta

    def valid(location) -> bool:
        return meta is None or not meta.is_negative_at(location)

    collection = case.operation.path.split("/")[2]
    if valid(ParameterLocation.PATH):
        for name in list(case.path_parameters or {}):
            real = world.get(name, world.get(collection))  # by its name (a village's code), or its collection
            if real is not None:  # a collection new to this world keeps its generated ids
                case.path_parameters[name], changed = real, True
    if "Idempotency-Key" in (case.headers or {}) and valid(ParameterLocation.HEADER):
        # A fresh key: hypothesis repeats short keys across examples, which would only meet the
        # "key reused" refusal (test_idempotency covers it) and never reach the shop.
        case.headers["Idempotency-Key"], changed = uuid.uuid4().hex, True
    body = case.body
    if isinstance(body, dict) and valid(ParameterLocation.BODY):
        for field in ID_FIELDS & set(body):
            body[field], changed = world[field], True
        if isinstance(body.get("households"), list):
            body["households"], changed = [world["household"]], True
        if isinstance(body.get("lines"), list):
            # One of soap each: random quantities would nearly always exceed the stock or the balance.
            body["lines"] = [{**line, "product": world["product"], "quantity": 1} for line in body["lines"][:2]]
            changed = True
    return changed


def headers_of(request, role) -> dict:
    """The role's `Authorization` header, with a fresh token; none for anonymous."""
    from accounts.tokens import api_token_create

    user = {"clerk": "alice", "shopkeeper": "sam", "anonymous": None}[role]
    if user is None:
        return {}
    return {"Authorization": f"Token {api_token_create(user=request.getfixturevalue(user))[0]}"}


FUZZ_SETTINGS = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
    derandomize=True,
    database=None,
)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
@FUZZ_SETTINGS
def test_it_holds_under_fuzzing(case, role, request, fuzz_world):
    headers = headers_of(request, role)
    # Every check: see test_it_runs_every_check_schemathesis_has.
    responses = [case.call_and_validate(headers=headers)]
    # Ids nobody has answer 404 before the view reads the rest; aimed at real ones, the rest is read.
    if responses[0].status_code == 404 and aimed(case, fuzz_world):
        responses.append(case.call_and_validate(headers=headers))
    if case.method.upper() != "GET" and any(200 <= response.status_code < 300 for response in responses):
        call_command("reconcile", stdout=open(os.devnull, "w"))  # raises on any difference


# The claims', village reports', selections', titles' and nominations' links are left out of the
# chained run: with them in it, Hypothesis at times finds the run choosing differently on replay
# (FlakyStrategyDefinition) even with each scenario rolled back, cause not yet found. Their
# operations are fuzzed one by one above.
linked = schema.exclude(path_regex=r"^/api/(claims|village-reports|selections|titles|nominations|activities)/")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_it_holds_through_linked_requests(role, request, fuzz_world):
    """Schemathesis' stateful phase: requests chained by the schema's links (a rule created, then
    read and changed), where the checks that follow a resource from one request to the next
    (`use_after_free`, `ensure_resource_availability`, `object_level_authorization`) have
    something to follow."""
    headers = headers_of(request, role)

    class Workflow(linked.as_state_machine()):
        # Each scenario starts from the same books and is undone after: Hypothesis replays and
        # mutates scenarios by their choices, and a scenario that met what an earlier one wrote
        # would choose differently on replay (FlakyStrategyDefinition).
        def setup(self):
            self.savepoint = transaction.savepoint()

        def teardown(self):
            transaction.savepoint_rollback(self.savepoint)

        def get_call_kwargs(self, case):
            return {"headers": headers}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            # As `call_and_validate` does: the checks must know which headers are ours, not generated.
            case.validate_response(response, headers=headers, transport_kwargs=kwargs, recorder=self.recorder)
            if case.method.upper() != "GET" and 200 <= response.status_code < 300:
                call_command("reconcile", stdout=open(os.devnull, "w"))

    Workflow.run(settings=settings(FUZZ_SETTINGS, max_examples=3 * EXAMPLES, stateful_step_count=6))
