"""The report page's choice: which village (or the whole town) and which period."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports.selectors import Period

MAX_DAYS = 3 * 366  # three years at most: a meeting compares months, not decades
WHOLE = ""


class DateInput(forms.DateInput):
    input_type = "date"


class ReportForm(forms.Form):
    village = forms.ChoiceField(label=_("Village"), required=False)
    start = forms.DateField(label=_("From"), required=False, widget=DateInput)
    end = forms.DateField(label=_("To"), required=False, widget=DateInput)

    def __init__(self, data, *, villages, whole_town: bool):
        self.default_period = Period.last_twelve_months(timezone.localdate())
        # Unchosen dates are the default period's, written into the fields so the page shows them.
        data = data.copy()
        for name, day in (("start", self.default_period.start), ("end", self.default_period.end)):
            if not data.get(name):
                data[name] = day.isoformat()
        super().__init__(data)
        choices = [(str(village.pk), village.name) for village in villages]
        if whole_town:
            choices.insert(0, (WHOLE, _("All my villages")))
        self.fields["village"].choices = choices

    def clean(self):
        data = super().clean()
        start = data.get("start") or self.default_period.start
        end = data.get("end") or self.default_period.end
        if start > end:
            raise forms.ValidationError(_("The period must start before it ends."))
        if end - start > timedelta(days=MAX_DAYS):
            raise forms.ValidationError(_("Choose a period of at most three years."))
        data["period"] = Period(start, end)
        return data
