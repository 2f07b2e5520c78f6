"""Fields shared by the apps' API modules: ids that can be looked up, and lookups in scope."""

import django_filters
from django import forms
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers

from households.validators import printable

# Primary keys are 64-bit: anything larger is not an id of ours, and must not reach the database.
MAX_ID = 2**63 - 1


class IdField(serializers.IntegerField):
    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


class IntegerFilter(django_filters.NumberFilter):
    """A whole number in the query string: 1.5 is refused, not looked up."""

    field_class = forms.IntegerField


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
    """Text people type in (names, notes, reasons): no control characters, as everywhere else."""

    default_validators = [printable]
