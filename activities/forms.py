"""Forms of activities: publishing one in the admin, signing a household up, checking one in."""

from django import forms
from django.contrib.admin import widgets
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities.models import Activity
from activities.selectors import organiser_candidates
from credits.forms import rule_label
from credits.selectors import rules_in_force
from households.selectors import villages_for
from households.validators import printable


class RuleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, rule):
        label = rule_label(rule)
        return f"{rule.version.catalogue.village.name} · {label}" if self.many_villages else label


class OrganisersField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        name = user.get_full_name()
        return f"{name} ({user.get_username()})" if name else user.get_username()


class ActivityForm(forms.ModelForm):
    """An activity's fields, the village and rule offered from the clerk's own villages only.

    The service (called by the admin once the fields are valid) checks the rest: the rule in force
    on the day and an award, the deadline before the start.
    """

    rule = RuleChoiceField(label=_("rule"), queryset=None, help_text=Activity._meta.get_field("rule").help_text)
    organisers = OrganisersField(
        label=_("organisers"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Staff who may check households in on the check-in page, besides the village's clerks: "
            "its clerks and shopkeepers are offered."
        ),
    )

    class Meta:
        model = Activity
        fields = ["village", "title", "rule", "held_on", "starts_at", "place", "capacity", "signup_until"]
        fields += ["description", "organisers"]
        widgets = {
            "held_on": widgets.AdminDateWidget,
            "starts_at": widgets.AdminTimeWidget,
            "signup_until": widgets.AdminSplitDateTime,
            "description": forms.Textarea(attrs={"rows": 3, "cols": 60}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        villages = villages_for(user, write=True).order_by("name")
        village_ids = list(villages.values_list("pk", flat=True))
        if "village" in self.fields:
            self.fields["village"].queryset = villages
            self.fields["village"].empty_label = None
        else:
            village_ids = [self.instance.village_id]
        # Awards only: an activity never deducts.
        self.fields["rule"].queryset = rules_in_force(village_ids, on=timezone.localdate()).filter(points__gt=0)
        self.fields["rule"].many_villages = len(village_ids) > 1
        # The people who work for the villages offered (the service checks the village chosen); an
        # organiser named before, who since left, stays on the list so that the form can keep them.
        offered = Q(pk__in=organiser_candidates(village_ids).values("pk"))
        if self.instance.pk:
            offered |= Q(pk__in=self.instance.organisers.values("pk"))
        self.fields["organisers"].queryset = get_user_model().objects.filter(offered).order_by("username")
        self.fields["capacity"].min_value = 1
        self.fields["capacity"].widget.attrs["min"] = 1
        self.fields["signup_until"] = forms.SplitDateTimeField(
            label=Activity._meta.get_field("signup_until").verbose_name,
            help_text=Activity._meta.get_field("signup_until").help_text,
            widget=widgets.AdminSplitDateTime,
        )
        if self.instance.pk:
            self.initial["signup_until"] = timezone.localtime(self.instance.signup_until)


class HouseholdCodeForm(forms.Form):
    """A household by its number (4 finds 0004) or by what a scanner read from its card."""

    code = forms.CharField(
        label=_("household number or card"),
        max_length=200,
        validators=[printable],
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "inputmode": "text", "autocapitalize": "off"}
        ),
    )
