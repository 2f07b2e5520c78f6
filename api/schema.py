"""The error bodies in the OpenAPI schema, so clients (and schemathesis) know every answer."""

from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

Error = inline_serializer(
    "Error",
    {
        "code": serializers.CharField(help_text="A machine-readable code, e.g. insufficient_balance."),
        "message": serializers.CharField(help_text="What went wrong, in the request's language."),
    },
)
ValidationError = inline_serializer(
    "ValidationError",
    {
        "code": serializers.CharField(),
        "message": serializers.CharField(),
        "details": serializers.JSONField(required=False, help_text="Each field's messages."),
    },
)
Refusal = inline_serializer(
    "Refusal",
    {
        "code": serializers.CharField(),
        "message": serializers.CharField(),
        "refusals": serializers.ListField(
            child=inline_serializer(
                "RefusedHousehold",
                {
                    "household": serializers.IntegerField(),
                    "number": serializers.CharField(),
                    "message": serializers.CharField(),
                },
            ),
            required=False,
            help_text="For a refused batch: each household refused, and why.",
        ),
    },
)

DESCRIPTIONS = {
    400: "The request is malformed or a field is not valid.",
    401: "Not authenticated.",
    403: "Not allowed for this user, or the village or shop is not theirs.",
    404: "Not found, or not in this user's scope.",
    409: "Refused by the present state: closed, capped, not enough points or stock, already done.",
    415: "The body is not JSON.",
    422: "The request cannot be carried out as asked.",
    429: "Too many failed attempts; locked for a while.",
}


def errors(*statuses: int) -> dict:
    """Responses for `extend_schema(responses=...)`: each status with its error body."""
    bodies = {400: ValidationError, 409: Refusal}
    return {code: OpenApiResponse(bodies.get(code, Error), description=DESCRIPTIONS[code]) for code in statuses}


READ = (400, 401, 403, 404)
WRITE = (400, 401, 403, 404, 409, 415, 422)
