"""Forms for keeping households: what a clerk types when opening one.

The form only validates; the page that shows it calls the service (`credits.services.household_open`,
which also writes the opening entry).
"""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from households.models import Household, Village


class HouseholdOpenForm(forms.ModelForm):
    """A new household in one of `villages`, the villages the clerk keeps."""

    class Meta:
        model = Household
        fields = ["village", "number", "head_name", "group", "address", "phone"]
        help_texts = {"number": _("Unique within the village, e.g. 0101.")}
        # The model's unique constraint on (village, number), said plainly.
        error_messages = {
            NON_FIELD_ERRORS: {"unique_together": _("This household number is already used in this village.")}
        }

    def __init__(self, *args, villages: QuerySet[Village], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["village"]
        field.queryset = villages
        choices = list(villages[:2])
        if len(choices) == 1:
            # Most clerks keep one village: choose it for them.
            field.initial = choices[0].pk
            field.empty_label = None
