"""Forms for the ledger's pages: recording a rule, adjusting by hand, reversing, editing rules.

Forms validate what was typed; the page then calls one service and shows a refusal
(`households.errors.DomainError`) as a form error.
"""

from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from credits.errors import FutureDate, ZeroPoints
from credits.models import Rule
from credits.selectors import rules_in_force
from households.validators import printable

# Ledger points are whole numbers; a hand adjustment larger than this is a typing slip.
MAX_ADJUSTMENT = 10_000


class DateOfDeedInput(forms.DateInput):
    """The browser's own date picker: no JavaScript of ours, and a phone shows its native one."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].setdefault("max", timezone.localdate().isoformat())
        return context


def date_of_deed_field(**kwargs) -> forms.DateField:
    return forms.DateField(
        label=capfirst(_("date of the deed")), initial=timezone.localdate, widget=DateOfDeedInput(), **kwargs
    )


def _not_in_future(value):
    if value and value > timezone.localdate():
        raise forms.ValidationError(FutureDate.default_message, code="future_date")
    return value


class RecordEntryForm(forms.Form):
    """One rule from the catalogue in force in the households' villages, for one household or a batch.

    Only those villages' rules are offered or accepted: another village's rule is not a choice.
    """

    rule = forms.ChoiceField(label=capfirst(_("rule")))
    occurred_on = date_of_deed_field()
    note = forms.CharField(
        label=capfirst(_("note")),
        max_length=200,
        validators=[printable],
        required=False,
        widget=forms.TextInput(attrs={"class": "vTextField"}),
    )

    def __init__(self, *args, village_ids, **kwargs):
        super().__init__(*args, **kwargs)
        village_ids = sorted(set(village_ids))
        rules = rules_in_force(village_ids, on=timezone.localdate())
        self.rules = {str(rule.pk): rule for rule in rules}
        groups: dict[str, list[tuple[str, str]]] = {}
        for key, rule in self.rules.items():
            group = rule.domain.name
            if len(village_ids) > 1:
                group = f"{rule.version.catalogue.village.name} · {group}"
            groups.setdefault(group, []).append((key, rule_label(rule)))
        self.fields["rule"].choices = [("", "---------"), *groups.items()]

    def clean_rule(self):
        return self.rules[self.cleaned_data["rule"]]

    def clean_occurred_on(self):
        return _not_in_future(self.cleaned_data["occurred_on"])


def rule_label(rule: Rule) -> str:
    label = f"{rule.name} ({rule.points:+d})"
    if rule.cap_per_month:
        label += " · " + str(_("at most %(cap)s a month") % {"cap": rule.cap_per_month})
    if rule.cap_per_year:
        label += " · " + str(_("at most %(cap)s a year") % {"cap": rule.cap_per_year})
    return label


class AdjustForm(forms.Form):
    """A correction outside the catalogue: signed points and the reason for them."""

    points = forms.IntegerField(
        label=capfirst(_("points")),
        min_value=-MAX_ADJUSTMENT,
        max_value=MAX_ADJUSTMENT,
        help_text=_("Positive to add, negative to take away, e.g. 3 or -3."),
    )
    reason = forms.CharField(
        label=capfirst(_("reason")),
        max_length=200,
        validators=[printable],
        widget=forms.TextInput(attrs={"class": "vTextField"}),
    )
    occurred_on = date_of_deed_field()

    def clean_points(self):
        points = self.cleaned_data["points"]
        if points == 0:
            raise forms.ValidationError(ZeroPoints.default_message, code="zero_points")
        return points

    def clean_occurred_on(self):
        return _not_in_future(self.cleaned_data["occurred_on"])


class ReverseForm(forms.Form):
    reason = forms.CharField(
        label=capfirst(_("reason")),
        max_length=200,
        validators=[printable],
        widget=forms.TextInput(attrs={"class": "vTextField"}),
        help_text=_("Why the entry was a mistake; the household can read it."),
    )


class RuleForm(forms.ModelForm):
    """A rule of the catalogue, with the database's checks said in words a clerk understands."""

    class Meta:
        model = Rule
        fields = ["domain", "name", "points", "cap_per_year", "cap_per_month", "description", "active", "position"]

    def clean_points(self):
        points = self.cleaned_data["points"]
        if points == 0:
            raise forms.ValidationError(ZeroPoints.default_message, code="zero_points")
        return points

    def clean_cap_per_year(self):
        return _cap(self.cleaned_data["cap_per_year"])

    def clean_cap_per_month(self):
        return _cap(self.cleaned_data["cap_per_month"])


def _cap(cap):
    if cap == 0:
        raise forms.ValidationError(_("Leave the limit empty, or give at least 1."), code="cap_zero")
    return cap
