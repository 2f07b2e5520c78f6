"""`Idempotency-Key`: a retried write answers like the first one and writes nothing new.

The first request with a key claims it by inserting its row, and runs, in one transaction; the
row gets the answer before the commit. A twin arriving meanwhile blocks on the row's unique index
(PostgreSQL) or on the write lock (SQLite's IMMEDIATE transactions) until the first commits, then
finds the row and gets the same answer: one write, never two. A refusal by a service (409, 422)
is an answer too and is kept; a request that never ran (invalid, not found, not allowed) keeps
nothing, so it may be corrected and sent again with the same key. The same key with a different
request (method, path or body) is refused with 422. Kept answers are needed only as long as a
client may retry; `manage.py purge_idempotency_keys` deletes those older than a month.
"""

import hashlib
import json
import re
from collections.abc import Callable
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import status
from rest_framework.response import Response

from api.errors import ApiError, domain_response
from api.models import IdempotencyKey
from households.errors import DomainError

HEADER = "Idempotency-Key"
KEY = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
REPLAYED = "Idempotent-Replayed"


def key_parameter(*, required: bool) -> OpenApiParameter:
    return OpenApiParameter(
        HEADER,
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        required=required,
        pattern=f"^{KEY.pattern}$",  # a schema's pattern matches anywhere unless anchored
        description=gettext_lazy(
            "A key of your choice, 1 to 64 letters, digits or _.:-, unique per write: "
            "sending the same request with the same key again replays the first answer."
        ),
    )


def idempotent(request, execute: Callable[[], Response], *, required: bool) -> Response:
    """Run `execute` (which validates, calls one service and returns the response) at most once per key."""
    key = request.headers.get(HEADER)
    if key is None:
        if required:
            raise ApiError(
                _("This request needs an Idempotency-Key header."),
                code="idempotency_key_required",
                status_code=status.HTTP_400_BAD_REQUEST,
            )
        return execute()
    if not KEY.fullmatch(key):
        raise ApiError(
            _("An Idempotency-Key is 1 to 64 letters, digits or _.:- characters."),
            code="idempotency_key_invalid",
            status_code=status.HTTP_400_BAD_REQUEST,
        )
    fingerprint = _fingerprint(request)
    replay = _replay(request.user, key, fingerprint)
    if replay is not None:
        return replay
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    # Claims the key; a twin waits here until this transaction ends.
                    record = IdempotencyKey.objects.create(
                        user=request.user, key=key, fingerprint=fingerprint, status=0, body={}
                    )
            except IntegrityError:
                record = None
            if record is not None:
                response = execute()
                record.status, record.body = response.status_code, response.data
                record.save(update_fields=["status", "body"])
                return response
    except DomainError as error:
        # The service refused and rolled everything back, the key's row too: keep the refusal
        # as this key's answer, unless a twin has answered meanwhile.
        response = domain_response(error)
        try:
            with transaction.atomic():
                IdempotencyKey.objects.create(
                    user=request.user,
                    key=key,
                    fingerprint=fingerprint,
                    status=response.status_code,
                    body=response.data,
                )
        except IntegrityError:
            return _replay(request.user, key, fingerprint) or response
        return response
    # A twin holds the key and has committed its answer.
    replay = _replay(request.user, key, fingerprint)
    if replay is None:
        raise ApiError(
            _("A request with this Idempotency-Key is still being processed; try again shortly."),
            code="idempotency_key_in_use",
            status_code=status.HTTP_409_CONFLICT,
        )
    return replay


def keys_purge(*, before: datetime) -> int:
    """Delete the answers kept for keys first used before `before`; how many went."""
    deleted, _by_model = IdempotencyKey.objects.filter(created_at__lt=before).delete()
    return deleted


def _fingerprint(request) -> str:
    body = json.dumps(request.data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def _replay(user, key: str, fingerprint: str) -> Response | None:
    record = IdempotencyKey.objects.filter(user=user, key=key).first()
    if record is None:
        return None
    if record.fingerprint != fingerprint:
        raise ApiError(
            _("This Idempotency-Key was already used for a different request."),
            code="idempotency_key_reused",
            status_code=status.HTTP_422_UNPROCESSABLE_ENTITY,
        )
    return Response(record.body, status=record.status, headers={REPLAYED: "true"})
