"""The villagers' lookup form: village, household number and PIN, as a phone's keyboard types them."""

import unicodedata
from itertools import groupby

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms import MultipleFileField
from households.errors import BadPin
from households.models import Village
from households.services import PIN


def _plain(text: str) -> str:
    # A Chinese keyboard may type full-width digits (１２３４); NFKC makes them 1234.
    return unicodedata.normalize("NFKC", text).strip()


class LookupForm(forms.Form):
    village = forms.ChoiceField(
        label=_("Village"),
        error_messages={
            "required": _("Choose your village."),
            "invalid_choice": _("Choose your village from the list."),
        },
    )
    number = forms.CharField(
        label=_("Household number"),
        max_length=20,
        error_messages={"required": _("Enter the household number.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "off", "class": "field"}),
    )
    pin = forms.CharField(
        label=_("PIN"),
        max_length=20,
        strip=False,
        error_messages={"required": _("Enter the PIN.")},
        # A password box, so that whoever looks over a shared phone does not read the PIN.
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "off", "class": "field"}),
    )

    def __init__(self, *args, villages: list[Village], **kwargs):
        super().__init__(*args, **kwargs)
        self.villages = {village.code: village for village in villages}
        field = self.fields["village"]
        field.widget.attrs["class"] = "field"
        by_town = [
            (town, [(village.code, village.name) for village in members])
            for town, members in groupby(villages, key=lambda village: village.town.name)
        ]
        if len(villages) == 1:
            # One village on this site: it is the villager's.
            field.choices = by_town
            field.initial = villages[0].code
        else:
            field.choices = [("", _("— choose —")), *by_town]

    def clean_village(self) -> Village:
        return self.villages[self.cleaned_data["village"]]

    def clean_number(self) -> str:
        number = _plain(self.cleaned_data["number"])
        if not number:
            raise forms.ValidationError(self.fields["number"].error_messages["required"], code="required")
        return number

    def clean_pin(self) -> str:
        pin = _plain(self.cleaned_data["pin"])
        if not PIN.fullmatch(pin):
            raise forms.ValidationError(BadPin.default_message, code="bad_pin")
        return pin


class ObjectionForm(forms.Form):
    """A household's objection (申诉) to a case in notice: why, in its own words, and photos if any."""

    text = forms.CharField(
        label=_("Why you object"),
        max_length=1000,
        error_messages={
            "required": _("Please say why you object."),
            "max_length": _("Please keep the objection under %(limit_value)d characters."),
        },
        widget=forms.Textarea(attrs={"rows": 3, "class": "field", "maxlength": 1000}),
    )
    photos = MultipleFileField(
        label=_("Photos (optional)"),
        required=False,
        help_text=_("Up to 5 photos or PDF documents that show your side."),
    )
