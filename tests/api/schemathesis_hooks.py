"""Our own check for schemathesis, run beside all of its built-in ones (`tests/api/test_fuzz.py`; the
command line loads it with `SCHEMATHESIS_HOOKS=tests.api.schemathesis_hooks`).

`schemathesis.toml` lets a request the schema allows be refused with a 422 (and, when logging in,
a 400), because some refusals depend on what the request meets: today's date, the household's
opening, the entry reversed, a key already used. This check holds every such refusal to those
codes, so one the schema could have described (zero points, a blank reason, no lines) still fails.
"""

import schemathesis

REFUSALS_THAT_NEED_STATE = {
    400: {"bad_credentials"},  # POST /api/auth/token/: no such user, or not this password
    422: {
        "future_date",  # after today, which moves
        "year_not_ended",  # a selection of a year not over yet, which moves with today
        "bad_notice_date",  # a notice ending before today
        "before_opening",  # before the household was opened
        "before_earliest_deed",  # before the earliest deed the village records
        "year_closed",  # in a year the village has closed
        "not_reversible",  # an opening, a reversal or a sale
        "reduced_points",  # a reduced deduction must be smaller than the case's own, of its sign
        "bad_effective_date",  # not after the version in force, or before its meeting
        "empty_version",  # a draft with no active rule
        "unknown_product",  # a product of another shop
        "price_changed",  # the price changed since the counter showed it
        "bad_quantity",  # lines of one product adding up to more than 999: JSON Schema cannot sum
        "idempotency_key_reused",  # the key was used for another request
        # An activity the village cannot run: its rule a deduction or another village's, its sign-up
        # deadline after its start (JSON Schema cannot compare two fields), a capacity below the places taken.
        "bad_activity",
        "date_out_of_range",  # a moment whose offset takes it outside the years 1 to 9999
        # An uploaded file's content, which a schema cannot describe: what it really is, its size.
        "evidence_wrong_type",
        "evidence_too_large",
        "evidence_too_many_pixels",
        "evidence_empty",
    },
}


@schemathesis.check
def refusal_needs_state(ctx, response, case):
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return None
    allowed = REFUSALS_THAT_NEED_STATE.get(response.status_code)
    if allowed is None:
        return None  # positive_data_acceptance judges every other status
    try:
        code = response.json().get("code")
    except (ValueError, AttributeError):
        code = None
    if code not in allowed:
        raise AssertionError(
            f"A schema-valid request was refused with {response.status_code} `{code}`, which depends on no "
            "state: the schema should describe it, so that clients can avoid it"
        )
    return None
