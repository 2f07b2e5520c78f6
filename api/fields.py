"""Fields shared by the apps' API modules: ids that can be looked up, and lookups in scope."""

import django_filters
from django import forms
from django.http import Http404
from django.shortcuts import get_object_or_404
from rest_framework import serializers

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
    """The row, if the user's scope holds it; otherwise 404, so other villages' ids reveal nothing."""
    if not isinstance(pk, int) or not 1 <= pk <= MAX_ID:
        raise Http404
    return get_object_or_404(queryset, pk=pk)
