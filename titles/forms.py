"""The forms of the selection: which year, its conditions, the notice's end, a quota."""

from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from credits.models import Domain, Rule
from titles.models import NamedStar, Quota
from titles.selectors import current_catalogue


class SelectionStartForm(forms.Form):
    village = forms.ModelChoiceField(label=_("village"), queryset=None, empty_label=None)
    year = forms.IntegerField(label=_("year"), min_value=2000)

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages
        last = timezone.localdate().year - 1
        self.fields["year"].validators.append(
            MaxValueValidator(last, message=_("Titles are selected once the year has ended."))
        )
        self.fields["year"].widget.attrs["max"] = last
        self.fields["year"].initial = last


def village_rules(village) -> list[Rule]:
    """One rule per key of the village's catalogue: the newest version's."""
    rules = Rule.objects.filter(version__catalogue__village=village).select_related("domain").order_by("key", "-pk")
    latest = {}
    for rule in rules:
        latest.setdefault(rule.key, rule)
    return sorted(latest.values(), key=lambda rule: (rule.domain.position, rule.position, rule.pk))


def village_domains(village) -> list[Domain]:
    domains = Domain.objects.filter(version__catalogue__village=village).order_by("key", "-pk")
    latest = {}
    for domain in domains:
        latest.setdefault(domain.key, domain)
    return sorted(latest.values(), key=lambda domain: (domain.position, domain.pk))


class ConditionsForm(forms.Form):
    """The least star level, least points per domain (one field each) and the veto rules."""

    min_stars = forms.IntegerField(label=_("least star level"), min_value=1, max_value=9, required=False)
    veto_rules = forms.ModelMultipleChoiceField(
        label=_("veto rules (一票否决)"),
        queryset=Rule.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, selection, **kwargs):
        self.domains = village_domains(selection.village)
        minimums = {m.domain.key: m.points for m in selection.minimums.select_related("domain")}
        initial = {
            "min_stars": selection.min_stars,
            "veto_rules": list(selection.veto_rules.all()),
            **{f"domain_{d.pk}": minimums.get(d.key) for d in self.domains},
        }
        super().__init__(*args, initial=initial, **kwargs)
        rules = village_rules(selection.village)
        self.fields["veto_rules"].queryset = Rule.objects.filter(pk__in=[r.pk for r in rules])
        for domain in self.domains:
            self.fields[f"domain_{domain.pk}"] = forms.IntegerField(
                label=_("least points in %(domain)s") % {"domain": domain.name},
                required=False,
                min_value=-10000,
                max_value=10000,
            )

    def minimums(self) -> list[tuple[Domain, int]]:
        return [
            (domain, self.cleaned_data[f"domain_{domain.pk}"])
            for domain in self.domains
            if self.cleaned_data.get(f"domain_{domain.pk}") is not None
        ]

    def domain_fields(self):
        return [self[f"domain_{domain.pk}"] for domain in self.domains]


class NoticeForm(forms.Form):
    notice_until = forms.DateField(
        label=_("on notice until"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The list stays on the board through this day; the titles are awarded after it."),
    )


class QuotaForm(forms.ModelForm):
    class Meta:
        model = Quota
        fields = ["town", "county", "year", "places"]

    def clean(self):
        data = super().clean()
        if bool(data.get("town")) == bool(data.get("county")):
            raise forms.ValidationError(_("A quota is a town's or a county's: choose one of them."))
        return data


class NamedStarForm(forms.ModelForm):
    """A named star counts a domain's or rules' entries by key, in every version of the catalogue,
    so each is offered once: as the version in force has it, or with a word on the version it comes
    from (`current_catalogue`). The admin says which `villages` to offer."""

    villages = ()

    class Meta:
        model = NamedStar
        fields = ["village", "name", "position", "condition", "domain", "rules", "n"]
        widgets = {"rules": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today, several = timezone.localdate(), len(self.villages) > 1
        offered = {"domain": [], "rules": []}
        for village in self.villages:
            for name, choices in zip(offered, current_catalogue(village.pk, on=today), strict=True):
                offered[name] += [(village, choice) for choice in choices]
        for name, choices in offered.items():
            if name not in self.fields:
                continue  # a reader's form: read-only
            field = self.fields[name]
            field.queryset = field.queryset.model.objects.filter(pk__in=[choice.item.pk for _, choice in choices])
            labels = [(c.item.pk, f"{v.name} · {c.label}" if several else c.label) for v, c in choices]
            field.choices = [("", field.empty_label), *labels] if name == "domain" else labels
        if self.instance.pk:
            self._initial_by_key(offered)

    def _initial_by_key(self, offered):
        """The star's domain and rules as offered now, whichever version's copy it was saved with."""
        village_id = self.instance.village_id
        current = {
            name: {c.item.key: c.item.pk for v, c in choices if v.pk == village_id}
            for name, choices in offered.items()
        }
        if self.instance.domain_id:
            self.initial["domain"] = current["domain"].get(self.instance.domain.key)
        keys = self.instance.rules.values_list("key", flat=True)
        self.initial["rules"] = [current["rules"][key] for key in keys if key in current["rules"]]

    def clean(self):
        data = super().clean()
        village = data.get("village")
        if village is None:
            return data
        catalogue_village_ids = {
            *(rule.version.catalogue.village_id for rule in data.get("rules") or []),
            *([data["domain"].version.catalogue.village_id] if data.get("domain") else []),
        }
        if catalogue_village_ids - {village.pk}:
            raise forms.ValidationError(_("Choose the domain and rules from this village's own catalogue."))
        condition = data.get("condition")
        if condition == NamedStar.Condition.DOMAIN_POINTS and not data.get("domain"):
            self.add_error("domain", _("Choose the domain whose points count."))
        if condition in (NamedStar.Condition.RULE_USES, NamedStar.Condition.NO_ENTRY) and not data.get("rules"):
            self.add_error("rules", _("Choose the rules whose entries count."))
        return data


class RankingForm(forms.Form):
    town = forms.ModelChoiceField(label=_("town"), queryset=None, empty_label=None)
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=9999)

    def __init__(self, *args, towns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = towns
        self.fields["year"].initial = timezone.localdate().year - 1
