"""The lookup page's forms for a claim and a report, and the clerk's forms to reject or mark handled."""

from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from cases.forms import MultipleFileInput
from claims.models import MAX_DESCRIPTION
from claims.services import MAX_PLACE
from credits.models import Rule
from households.validators import printable


class PhotosField(forms.FileField):
    """Up to three photos from the phone's gallery or camera; `claims.services` reads each for what it is."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*", "class": "lk-file"}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(PhotosField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


def _text(label, *, required_message, max_length=MAX_DESCRIPTION, rows=4):
    return forms.CharField(
        label=label,
        max_length=max_length,
        error_messages={
            "required": required_message,
            "max_length": _("Please keep it under %(limit_value)d characters."),
        },
        widget=forms.Textarea(attrs={"rows": rows, "class": "field", "maxlength": max_length}),
    )


class ClaimForm(forms.Form):
    rule = forms.TypedChoiceField(
        label=_("What your household did"),
        coerce=int,
        error_messages={
            "required": _("Choose what your household did."),
            "invalid_choice": _("Choose one of the village's claimable rules."),
        },
        widget=forms.Select(attrs={"class": "field"}),
    )
    occurred_on = forms.DateField(
        label=_("When"),
        error_messages={"required": _("Give the date."), "invalid": _("Give the date as year-month-day.")},
        widget=forms.DateInput(attrs={"type": "date", "class": "field"}, format="%Y-%m-%d"),
    )
    description = _text(_("What happened"), required_message=_("Please say what happened."))
    photos = PhotosField(
        label=_("Photos (optional)"),
        help_text=_("Up to 3 photos (JPEG, PNG or HEIC) that show it."),
    )

    def __init__(self, *args, rules: list[Rule], **kwargs):
        super().__init__(*args, **kwargs)
        self.rules = {rule.pk: rule for rule in rules}
        self.fields["rule"].choices = [("", _("— choose —"))] + [
            (rule.pk, f"{rule.name} +{rule.points}") for rule in rules
        ]
        self.fields["occurred_on"].initial = timezone.localdate()

    def clean_rule(self) -> Rule:
        return self.rules[self.cleaned_data["rule"]]


class ReportForm(forms.Form):
    description = _text(_("What you saw"), required_message=_("Please say what happened."))
    place = forms.CharField(
        label=_("Where"),
        max_length=MAX_PLACE,
        validators=[printable],
        error_messages={"required": _("Please say where it is.")},
        widget=forms.TextInput(attrs={"class": "field", "maxlength": MAX_PLACE}),
    )
    photos = PhotosField(
        label=_("Photos (optional)"),
        help_text=_("Up to 3 photos (JPEG, PNG or HEIC) that show it."),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=capfirst(_("reason")),
        max_length=500,
        validators=[printable],
        widget=forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"}),
        help_text=_("The household reads it on its lookup page."),
    )


class HandleForm(forms.Form):
    note = forms.CharField(
        label=capfirst(_("what was done")),
        max_length=500,
        validators=[printable],
        widget=forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"}),
        help_text=_("The household reads it on its lookup page."),
    )
