"""Every refusal of the API as `{"code", "message"}` in the request's language, never a 500.

Domain errors (`households.errors.DomainError` and its family) carry their own code and message;
the status says what kind of refusal it is: 403 for someone else's village or shop, 409 when the
ledger's or the shop's present state refuses (closed, capped, spent, sold out, already done), 422
when the request itself cannot be carried out as asked. DRF's own errors keep their status and
get the same body; validation errors add `details`, each field's messages.
"""

import logging

from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response

from households.errors import DomainError

FORBIDDEN = {
    "not_yours",
    "not_your_shop",
    "own_case",
    "may_not_approve",
    "not_reviewer",
    "may_not_review",
    "not_officer",
    "not_organiser",
}
CONFLICT = {
    # The selection of titles (titles.errors): a step out of order, a quota used up, done already.
    "selection_wrong_state",
    "selection_exists",
    "notice_not_over",
    "no_candidates",
    "not_nominable",
    "already_nominated",
    "already_titled",
    "no_quota",
    "quota_full",
    "household_closed",
    "household_number_taken",
    "rule_retired",
    "rule_cap_reached",
    "rule_name_taken",
    "domain_name_taken",
    "rule_not_in_force",
    "version_adopted",
    "draft_pending",
    "insufficient_balance",
    "already_reversed",
    "batch_refused",
    "out_of_stock",
    "product_retired",
    "product_name_taken",
    "already_voided",
    "idempotency_key_in_use",
    "case_not_waiting",
    "claim_not_pending",
    "objection_too_late",
    # Activities (activities.errors): closed or cancelled, full, sign-up over, done already, not yet held.
    "activity_closed",
    "activity_cancelled",
    "activity_full",
    "signup_closed",
    "already_signed_up",
    "not_signed_up",
    "already_checked_in",
    "not_held_yet",
}
# A household named by its number or card that the village does not have, as an unknown id is.
NOT_FOUND = {"household_not_found"}


def status_of(error: DomainError) -> int:
    if error.code in FORBIDDEN:
        return status.HTTP_403_FORBIDDEN
    if error.code in CONFLICT:
        return status.HTTP_409_CONFLICT
    if error.code in NOT_FOUND:
        return status.HTTP_404_NOT_FOUND
    return status.HTTP_422_UNPROCESSABLE_ENTITY


def domain_body(error: DomainError) -> dict:
    body = {"code": error.code, "message": error.message}
    refusals = getattr(error, "refusals", None)
    if refusals is not None:
        # A refused batch names every household it refused and why.
        body["refusals"] = [
            {"household": household.pk, "number": household.number, "message": str(message)}
            for household, message in refusals
        ]
    return body


def domain_response(error: DomainError) -> Response:
    return Response(domain_body(error), status=status_of(error))


logger = logging.getLogger("django.request")

# How long a client should wait before trying again when the database is out of reach.
RETRY_AFTER_SECONDS = 5


def is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def error_response(code: str, message: str, *, status: int, headers=None) -> JsonResponse:
    """The API's refusal body, for the answers given outside DRF's views (middleware, Django's errors)."""
    return JsonResponse({"code": code, "message": str(message)}, status=status, headers=headers)


def database_unavailable() -> JsonResponse:
    return error_response(
        "database_unavailable",
        _("The database cannot be reached just now; nothing was changed. Try again in a moment."),
        status=status.HTTP_503_SERVICE_UNAVAILABLE,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return domain_response(exc)
    if isinstance(exc, OperationalError | InterfaceError):
        # A dropped or refused connection: the transaction rolled back, so the client may retry.
        logger.error("Database unavailable: %s", exc, exc_info=exc)
        return database_unavailable()
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None  # a bug: let Django log it and answer 500
    headers = {}
    if auth_header := getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = auth_header
    if wait := getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(wait))
    if isinstance(exc, exceptions.ValidationError):
        details = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        field, message = _first_error(details)
        text = message if field in (None, "non_field_errors") else f"{field}: {message}"
        body = {"code": "invalid", "message": text or _("The request is not valid."), "details": details}
    else:
        code = exc.get_codes()
        body = {"code": code if isinstance(code, str) else exc.default_code, "message": str(exc.detail)}
    return Response(body, status=exc.status_code, headers=headers)


def _first_error(details, field=None):
    """The first message in a nested error structure, and the top-level field it belongs to."""
    if isinstance(details, dict):
        for key, value in details.items():
            found = _first_error(value, field if field is not None else key)
            if found[1]:
                return found
        return field, ""
    if isinstance(details, list):
        for value in details:
            found = _first_error(value, field)
            if found[1]:
                return found
        return field, ""
    return field, str(details)


class ApiError(exceptions.APIException):
    """A refusal of the API itself (not of a service), with its own code."""

    def __init__(self, message, *, code: str, status_code: int):
        self.status_code = status_code
        super().__init__(detail=message, code=code)
