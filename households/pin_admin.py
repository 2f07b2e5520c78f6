"""The villager's lookup PIN in the household admin: whether a household has one, and a page to set it.

A mixin of `households.admin.HouseholdAdmin`, kept apart so that module stays readable. The PIN is
never shown, nor its hash: the clerk types it twice, tells it to the household, and from then on
the page says only "set". Whoever may change the household may set its PIN (the service checks
the village again).
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from households import services
from households.errors import DomainError
from households.forms import HouseholdPinForm


class LookupPinListFilter(admin.SimpleListFilter):
    """Households with or without a lookup PIN: whom the clerk still has to give one."""

    title = _("lookup PIN")
    parameter_name = "pin"

    def lookups(self, request, model_admin):
        return [("set", _("set")), ("unset", _("not set"))]

    def queryset(self, request, queryset):
        if self.value() == "set":
            return queryset.exclude(pin_hash="")
        if self.value() == "unset":
            return queryset.filter(pin_hash="")
        return queryset


class LookupPinAdmin:
    """The household's page says whether a PIN is set and links to `pin_view`, which sets one."""

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view(self.pin_view)
        # Before the defaults, whose "<path:object_id>/" would swallow it.
        return [path("<int:object_id>/pin/", view, name=f"{name}_pin"), *super().get_urls()]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return [*fieldsets, (_("Villager's lookup"), {"fields": [self._pin_field(request, obj)]})]

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return fields if obj is None else (*fields, self._pin_field(request, obj))

    def get_list_filter(self, request):
        return (*super().get_list_filter(request), LookupPinListFilter)

    def _pin_field(self, request, household) -> str:
        return "lookup_pin_to_set" if self.has_change_permission(request, household) else "lookup_pin"

    @admin.display(description=_("lookup PIN"))
    def lookup_pin(self, household):
        return _("set") if household.pin_hash else _("not set")

    @admin.display(description=_("lookup PIN"))
    def lookup_pin_to_set(self, household):
        url = reverse("admin:households_household_pin", args=[household.pk])
        label = _("Reset the PIN") if household.pin_hash else _("Set a PIN")
        return format_html('{} · <a href="{}" id="xf-set-pin">{}</a>', self.lookup_pin(household), url, label)

    def pin_view(self, request, object_id):
        """Set or reset the PIN: out of the user's scope is a 404; read-only (an officer) a 403."""
        household = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_change_permission(request, household):
            raise PermissionDenied
        form = HouseholdPinForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            try:
                services.household_set_pin(household=household, pin=form.cleaned_data["pin"], by=request.user)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                self.log_change(request, household, [{"changed": {"fields": ["lookup PIN"]}}])
                message = _("The lookup PIN of %(household)s is set. Tell it to the household; it is not shown again.")
                self.message_user(request, message % {"household": household}, messages.SUCCESS)
                return redirect("admin:households_household_change", household.pk)
        title = _("Lookup PIN of %(household)s") % {"household": household}
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "household": household,
            "pin_set": bool(household.pin_hash),
            "form": form,
            "adminform": helpers.AdminForm(form, [(None, {"fields": list(form.fields)})], {}),
        }
        return TemplateResponse(request, "admin/households/household/set_pin.html", context)
