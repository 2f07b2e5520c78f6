"""Fields shared by the apps' API modules: request bodies, ids that can be looked up, lookups in scope.

A request body is read as the schema describes it (`RequestSerializer`): only the fields it
declares, each of its JSON type. DRF alone would ignore a misspelt field (`occured_on` would
quietly record today) and read `"5"` as 5, `0` as false, `12` as the text "12".
"""

import datetime as dt
import re
from collections.abc import Mapping

import django_filters
from django import forms
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status

from api.errors import ApiError
from households.validators import printable

# Primary keys are 64-bit: anything larger is not an id of ours, and must not reach the database.
MAX_ID = 2**63 - 1


class IdField(serializers.IntegerField):
    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


class IntegerFilter(django_filters.NumberFilter):
    """A whole number in the query string: 1.5 is refused, not looked up."""

    field_class = forms.IntegerField


class TrueOrFalse(forms.Field):
    """`true` or `false`, as the schema's booleans are written in a query string; empty is no filter.

    Django's own boolean field would read anything else (`yes`, `abc`) as "no filter" and answer
    as if the parameter had not been sent.
    """

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if value in ("true", "false"):
            return value == "true"
        raise forms.ValidationError(_("Must be true or false."), code="invalid")


class BooleanFilter(django_filters.BooleanFilter):
    field_class = TrueOrFalse


class IdFilter(IntegerFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1, max_value=MAX_ID, **kwargs)


def get_in_scope(queryset, pk):
    """The row, if the user's scope holds it; otherwise 404, so other villages' ids reveal nothing.

    The 404 names what was looked for (a rule, a household…), which matters when the id came in a
    request's body rather than its path; it says the same whether the row is missing or not yours.
    """
    if not isinstance(pk, int) or not 1 <= pk <= MAX_ID:
        raise Http404
    found = queryset.filter(pk=pk).first()
    if found is None:
        what = queryset.model._meta.verbose_name
        raise exceptions.NotFound(_("No %(what)s with id %(id)s, or not one you may see.") % {"what": what, "id": pk})
    return found


class TextField(serializers.CharField):
    """Text people type in (names, notes, reasons): no control characters, as everywhere else.

    Spaces around the text are trimmed, but the length is that of the text as sent, as the schema's
    `maxLength` counts it.
    """

    default_validators = [printable]

    def to_internal_value(self, data):
        if isinstance(data, str) and self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


class SignedPointsField(serializers.IntegerField):
    """Points that add (positive) or take away (negative); the services refuse zero (`zero_points`)."""


ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class RequestSerializer(serializers.Serializer):
    """A JSON request body: refuses fields it does not declare and values of another JSON type.

    The schema says so (`additionalProperties: false`, see `api.schema`), so a client learns of a
    misspelt field at once instead of having it ignored.
    """

    def to_internal_value(self, data):
        if not isinstance(data, Mapping):
            return super().to_internal_value(data)  # DRF's own refusal of a body that is not an object
        errors = {name: [_("This request has no such field.")] for name in data if name not in self.fields}
        for name, field in self.fields.items():
            if name in data and (refusal := wrong_type(field, data[name])) is not None:
                errors[name] = refusal
        try:
            value = super().to_internal_value({name: data[name] for name in data if name not in errors})
        except exceptions.ValidationError as error:
            # Every field's refusal at once; a field of the wrong type is refused for that, not as missing.
            raise exceptions.ValidationError({**error.detail, **errors}) from None
        if errors:
            raise exceptions.ValidationError(errors)
        return value


def wrong_type(field, value):
    """The field's own refusal if `value` is not of the JSON type its schema names, else None."""
    if value is None:
        return None  # the field says whether it may be null
    if isinstance(field, serializers.BooleanField):
        wrong = not isinstance(value, bool)
    elif isinstance(field, serializers.IntegerField):
        wrong = isinstance(value, bool) or not isinstance(value, int)
    elif isinstance(field, serializers.CharField):
        wrong = not isinstance(value, str)
    elif isinstance(field, serializers.DateField):
        # Only YYYY-MM-DD, the schema's `format: date`; Python would also read 20240101 or 2024-W01-1.
        wrong = not (isinstance(value, str) and ISO_DATE.fullmatch(value))
        if wrong:
            return _refusal(field, "invalid", format="YYYY-MM-DD")
    elif isinstance(field, serializers.ListField):
        if not isinstance(value, list):
            return _refusal(field, "not_a_list", input_type=type(value).__name__)
        items = {index: wrong_type(field.child, item) for index, item in enumerate(value)}
        return {index: refusal for index, refusal in items.items() if refusal is not None} or None
    else:
        return None  # nested serializers check their own fields
    return _refusal(field, "invalid") if wrong else None


def _refusal(field, code, **params):
    try:
        field.fail(code, **params)
    except exceptions.ValidationError as error:
        return error.detail


class IsoDate(forms.DateField):
    """A date in a query string as the schema's `format: date` writes it (YYYY-MM-DD) and no other way:
    Django's own would also read 10/25/2024."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, str) and ISO_DATE.fullmatch(value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        raise forms.ValidationError(_("Enter a date as YYYY-MM-DD."), code="invalid")


class DateFilter(django_filters.DateFilter):
    field_class = IsoDate


# RFC 3339's date-time, the schema's `format: date-time`: a moment with its offset from UTC.
MOMENT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})")


class MomentField(serializers.DateTimeField):
    """A moment as RFC 3339 writes it, with its offset (`2025-05-01T18:00:00+08:00`), and no other way.

    Python alone would also read a bare date as its midnight, or a time with no offset as local.
    """

    def to_internal_value(self, value):
        if not (isinstance(value, str) and MOMENT.fullmatch(value)):
            self.fail("invalid", format="YYYY-MM-DDThh:mm:ss+08:00")
        text = value.upper()
        try:
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            self.fail("invalid", format="YYYY-MM-DDThh:mm:ss+08:00")
        try:
            # Stored in UTC and read on the village's clock: both must be within the years 1 to 9999.
            return moment.astimezone(dt.UTC).astimezone(timezone.get_current_timezone())
        except OverflowError:
            # Well formed, but its offset takes it outside the years 1 to 9999 that can be stored.
            raise ApiError(
                _("That moment is outside the years 1 to 9999."),
                code="date_out_of_range",
                status_code=status.HTTP_422_UNPROCESSABLE_ENTITY,
            ) from None

    def to_representation(self, value):
        if value is None:
            return None
        local = timezone.localtime(value)
        if local.utcoffset().total_seconds() % 60:
            # A zone's local mean time before it kept standard time (Shanghai's +08:05:43 before 1901)
            # has an offset RFC 3339 cannot write: such a moment is given in UTC.
            local = value.astimezone(dt.UTC)
        return local.isoformat()


LOCAL_TIME = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?")


class LocalTimeField(serializers.TimeField):
    """A time of day on the village's clock, `HH:MM` (seconds allowed, and dropped), with no offset."""

    def to_internal_value(self, value):
        if not (isinstance(value, str) and LOCAL_TIME.fullmatch(value)):
            self.fail("invalid", format="HH:MM")
        return dt.time.fromisoformat(value).replace(second=0)

    def to_representation(self, value):
        return None if value is None else value.strftime("%H:%M")
