"""The forms of the year close: which year to preview, how the new year starts, why a year reopens."""

from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from years.models import YearClose


class YearChoiceForm(forms.Form):
    village = forms.ModelChoiceField(label=_("village"), queryset=None, empty_label=None)
    year = forms.IntegerField(label=_("year"), min_value=2000)

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages
        last = timezone.localdate().year - 1
        self.fields["year"].validators.append(
            MaxValueValidator(last, message=_("A year is closed once it has ended."))
        )
        self.fields["year"].widget.attrs["max"] = last


class YearCloseForm(forms.Form):
    score_start = forms.ChoiceField(
        label=_("the new year's score"),
        choices=YearClose.ScoreStart.choices,
        initial=YearClose.ScoreStart.CARRY,
        widget=forms.RadioSelect,
    )
    balance_start = forms.ChoiceField(
        label=_("the new year's balance"),
        choices=YearClose.BalanceStart.choices,
        initial=YearClose.BalanceStart.CARRY,
        widget=forms.RadioSelect,
    )
    expire_percent = forms.IntegerField(
        label=_("share of the balance that expires (%)"),
        min_value=1,
        max_value=100,
        required=False,
        help_text=_("Only when the balance expires: 100 for all of it."),
    )
    expire_on = forms.DateField(
        label=_("expires on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "Only when the balance expires: a day after the closed year, e.g. 31 March, so villagers may spend first."
        ),
    )

    def clean(self):
        data = super().clean()
        if data.get("balance_start") == YearClose.BalanceStart.EXPIRE:
            if not data.get("expire_percent"):
                self.add_error("expire_percent", _("Say how much of the balance expires."))
            if not data.get("expire_on"):
                self.add_error("expire_on", _("Say on which day it expires."))
        else:
            data["expire_percent"] = data["expire_on"] = None
        return data


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("reason for reopening"), max_length=200, widget=forms.Textarea(attrs={"rows": 2, "cols": 60})
    )
