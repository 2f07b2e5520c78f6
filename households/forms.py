"""Forms for keeping households: what a clerk types when opening one.

The form only validates; the page that shows it calls the service (`credits.services.household_open`,
which also writes the opening entry).
"""

from itertools import pairwise

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from households.errors import BadPin
from households.models import Household, Village
from households.services import PIN


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


class StarLevelFormSet(forms.BaseInlineFormSet):
    """A village's star levels as one scheme: each number of stars once, more stars needing more points."""

    def clean(self):
        if any(self.errors):
            return
        levels = sorted(
            (form.cleaned_data["stars"], form.cleaned_data["min_score"])
            for form in self.forms
            if form.cleaned_data and not self._should_delete_form(form)
        )
        for (stars, min_score), (more, higher) in pairwise(levels):
            if stars == more:
                raise forms.ValidationError(
                    _("Each number of stars may be set only once; %(stars)d★ is set twice.") % {"stars": stars},
                    code="duplicate_stars",
                )
            if higher <= min_score:
                raise forms.ValidationError(
                    _(
                        "More stars must need a higher score: %(more)d★ from %(higher)d is not above "
                        "%(stars)d★ from %(min_score)d."
                    )
                    % {"more": more, "higher": higher, "stars": stars, "min_score": min_score},
                    code="thresholds_not_increasing",
                )
        super().clean()


class HouseholdPinForm(forms.Form):
    """The villager's lookup PIN, typed twice by the clerk; only its hash is kept (the service's job)."""

    pin = forms.CharField(
        label=_("New PIN"),
        max_length=6,
        help_text=_("4 to 6 digits. Tell it to the household: it is not shown again, here or anywhere."),
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "new-password"}),
    )
    pin_again = forms.CharField(
        label=_("New PIN again"),
        max_length=6,
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "new-password"}),
    )

    def clean_pin(self) -> str:
        pin = self.cleaned_data["pin"]
        if not PIN.fullmatch(pin):
            raise forms.ValidationError(BadPin.default_message, code="bad_pin")
        return pin

    def clean(self):
        data = super().clean()
        if data.get("pin") and data.get("pin_again") and data["pin"] != data["pin_again"]:
            self.add_error("pin_again", _("The two PINs differ; type the same PIN twice."))
        return data
