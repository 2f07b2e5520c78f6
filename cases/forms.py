"""Forms of the review pages: not approving an entry, and deciding an objection."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from households.validators import printable


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
