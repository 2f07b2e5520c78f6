"""What the OpenAPI schema says, so that it says what the API does: clients (and schemathesis,
`tests/api/test_fuzz.py`) may rely on every word.

The error bodies of every answer (`errors`), and the extensions that describe our own validation
where drf-spectacular cannot see it: request bodies take only their declared fields
(`RequestSerializer`), text is trimmed and holds no control characters (`TextField`), points are
signed and never zero (`SignedPointsField`), query filters are as strict as their form fields
(`FilterExtension`), and ids in paths are 64-bit and positive (`bound_path_ids`).
"""

from django import forms
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.extensions import OpenApiSerializerExtension, OpenApiSerializerFieldExtension
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

from api.fields import LOCAL_TIME, MAX_ID
from households.validators import CONTROL_CHARACTER

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


# The character classes as ECMA regexes (the schema's dialect) write them.
CONTROL = CONTROL_CHARACTER.pattern[1:-1].replace(r"\x", r"\u00")
# What Python's `str.strip()` trims that is not a control character: a text of only these is blank.
SPACE = r" \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
NO_NUL = r"^[^\u0000]*$"


class RequestBodyExtension(OpenApiSerializerExtension):
    """A request body refuses fields it does not declare (`api.fields.RequestSerializer`)."""

    target_class = "api.fields.RequestSerializer"
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        body = self.target if isinstance(self.target, type) else type(self.target)
        if body.__doc__ is None:
            schema.pop("description", None)  # not RequestSerializer's own, which it would inherit
        return {**schema, "additionalProperties": False}


class TextFieldExtension(OpenApiSerializerFieldExtension):
    """Printable text; unless it may be blank, something other than spaces (which are trimmed)."""

    target_class = "api.fields.TextField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        if self.target.allow_blank:
            return {"type": "string", "pattern": f"^[^{CONTROL}]*$"}
        return {"type": "string", "pattern": f"^[^{CONTROL}]*[^{CONTROL}{SPACE}][^{CONTROL}]*$"}


class SignedPointsFieldExtension(OpenApiSerializerFieldExtension):
    """Points that add or take away: the service refuses zero (422 `zero_points`)."""

    target_class = "api.fields.SignedPointsField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        return {"type": "integer", "not": {"enum": [0]}}


class LocalTimeFieldExtension(OpenApiSerializerFieldExtension):
    """A time of day on the village's clock, `HH:MM`: not RFC 3339's `time`, which carries an offset."""

    target_class = "api.fields.LocalTimeField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        return {"type": "string", "pattern": f"^{LOCAL_TIME.pattern}$", "example": "14:30"}


class FilterExtension(DjangoFilterExtension):
    """Query filters as their form fields read them.

    A whole number's bounds and a text's length are published, text holds no NUL (refused before
    any view, `config.middleware`), and an empty value is allowed: django-filter reads it as no
    filter at all.
    """

    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        parameters = super().resolve_filter_field(auto_schema, model, filterset_class, field_name, filter_field)
        field = filter_field.field
        for parameter in parameters:
            schema = parameter["schema"]
            if isinstance(field, forms.IntegerField):
                schema.update(type="integer")
                schema.pop("format", None)
                schema.update({"minimum": field.min_value} if field.min_value is not None else {})
                schema.update({"maximum": field.max_value} if field.max_value is not None else {})
            elif isinstance(field, forms.CharField) and not parameter.get("enum") and "enum" not in schema:
                schema["pattern"] = NO_NUL
                schema.update({"maxLength": field.max_length} if field.max_length is not None else {})
            parameter["allowEmptyValue"] = True
        return parameters


def bound_path_ids(result, generator, request, public):
    """Ids in paths (`<int:pk>`, named `id`) as the views read them: 1 to 2**63 - 1, anything else is a 404."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if (
                    parameter["in"] == "path"
                    and parameter["name"] == "id"
                    and parameter["schema"].get("type") == "integer"
                ):
                    parameter["schema"].update(minimum=1, maximum=MAX_ID, format="int64")
    return result
