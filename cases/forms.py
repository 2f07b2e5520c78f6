"""Forms of the review pages: not approving an entry, and deciding an objection."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from credits.forms import AdjustForm, RecordEntryForm
from households.validators import printable


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input; each is checked for what it really is by `evidence.files`."""

    def __init__(self, **kwargs):
        # `capture`: a phone opens its back camera at once (the admin's recording is often done on site).
        attrs = {"accept": "image/*,application/pdf", "capture": "environment"}
        kwargs.setdefault("widget", MultipleFileInput(attrs=attrs))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


def _reason_field(help_text):
    return forms.CharField(
        label=capfirst(_("reason")),
        max_length=500,
        validators=[printable],
        widget=forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"}),
        help_text=help_text,
    )


class RejectForm(forms.Form):
    reason = _reason_field(_("Why it is not approved; the clerk who recorded it reads it."))


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=capfirst(_("decision")), choices=Case.Decision.choices, widget=forms.RadioSelect
    )
    points = forms.IntegerField(
        label=capfirst(_("reduced points")),
        required=False,
        help_text=_("Only for a reduced decision: the smaller points recorded instead, e.g. -10 for -20."),
    )
    reason = _reason_field(_("The household reads it on its lookup page."))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == Case.Decision.REDUCED and cleaned.get("points") is None:
            self.add_error("points", _("Give the reduced points."))
        return cleaned


def _evidence_field():
    return MultipleFileField(
        label=capfirst(_("photos or documents")),
        required=False,
        help_text=_("Up to 5 photos or PDF documents; the household sees them with the entry or the case."),
    )


class RecordWithEvidenceForm(RecordEntryForm):
    evidence = _evidence_field()


class AdjustWithEvidenceForm(AdjustForm):
    evidence = _evidence_field()
