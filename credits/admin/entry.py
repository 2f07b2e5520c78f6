"""The ledger, read-only: every entry of the user's villages, and the page that reverses one.

Entries are never added, changed or deleted here (the database refuses it too); a mistake is
undone by a reversal entry written by `credits.services.entry_reverse`.
"""

from datetime import date

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from credits.admin.household import REVERSIBLE_KINDS
from credits.admin.pages import form_page
from credits.forms import ReverseForm
from credits.models import Domain, Entry
from credits.resources import EntryExportResource
from credits.selectors import catalogues_for
from credits.services import entry_reverse
from evidence.forms import EvidenceForm
from evidence.services import evidence_entry_add
from households.admin import AppendOnlyAdmin, HouseholdRowSearch, VillageListFilter, may_write, person
from households.errors import DomainError
from households.exports import SheetExportMixin
from households.selectors import villages_for


def signed_points(points: int):
    css = "xf-plus" if points > 0 else "xf-minus"
    return format_html('<span class="{}">{}</span>', css, f"{points:+d}")


class DateRangeFilter(admin.ListFilter):
    """Entries whose deed falls from one date to another (both included), typed in the sidebar."""

    title = gettext_lazy("period")
    template = "admin/credits/entry/date_range_filter.html"
    names = ("occurred_from", "occurred_to")

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        for name in self.names:
            if name in params:
                value = params.pop(name)
                self.used_parameters[name] = value[-1] if isinstance(value, list) else value

    def has_output(self):
        return True

    def expected_parameters(self):
        return list(self.names)

    def queryset(self, request, queryset):
        lookups = {"occurred_from": "occurred_on__gte", "occurred_to": "occurred_on__lte"}
        for name, value in self.used_parameters.items():
            if value:
                try:
                    queryset = queryset.filter(**{lookups[name]: date.fromisoformat(value)})
                except ValueError:
                    raise IncorrectLookupParameters(value) from None
        return queryset

    def choices(self, changelist):
        kept = [(key, value) for key, value in changelist.get_filters_params().items() if key not in self.names]
        yield {
            "kept": [(key, item) for key, value in kept for item in (value if isinstance(value, list) else [value])],
            "from": self.used_parameters.get("occurred_from", ""),
            "to": self.used_parameters.get("occurred_to", ""),
            "reset": changelist.get_query_string(remove=list(self.names)),
        }


class DomainNameFilter(admin.SimpleListFilter):
    """The domain an entry was recorded under, among the domains of the catalogues the user reads."""

    title = gettext_lazy("domain")
    parameter_name = "domain"

    def lookups(self, request, model_admin):
        names = (
            Domain.objects.filter(version__catalogue__in=catalogues_for(request.user))
            .order_by("name")
            .values_list("name", flat=True)
            .distinct()
        )
        return [(name, name) for name in names]

    def queryset(self, request, queryset):
        if self.value() is not None:
            return queryset.filter(domain_name=self.value())
        return queryset


@admin.register(Entry)
class EntryAdmin(SheetExportMixin, HouseholdRowSearch, AppendOnlyAdmin):
    change_form_template = "admin/credits/entry/change_form.html"
    list_display = (
        "created_at",
        "household",
        "kind",
        "rule_name",
        "points_signed",
        "score_after",
        "balance_after",
        "occurred_on",
        "recorder",
    )
    list_filter = (
        "kind",
        DomainNameFilter,
        ("occurred_on", admin.DateFieldListFilter),
        DateRangeFilter,
        ("household__village", VillageListFilter),
    )
    list_select_related = ("household", "recorded_by")

    @admin.display(description=gettext_lazy("recorded by"), ordering="recorded_by")
    def recorder(self, entry):
        return person(entry.recorded_by)

    # Counting a county's whole ledger on every page would be slow, and nobody needs the total.
    show_full_result_count = False
    fields = (
        "household",
        "kind",
        "points",
        "in_score",
        "rule",
        "rule_name",
        "domain_name",
        "rule_standard",
        "occurred_on",
        "note",
        "score_after",
        "balance_after",
        "recorded_by",
        "created_at",
        "reverses",
        "reversed_by",
        "evidence_shown",
    )
    readonly_fields = fields

    def get_export_resource_classes(self, request):
        return [EntryExportResource]

    def get_queryset(self, request):
        return (
            Entry.objects.filter(household__village__in=villages_for(request.user))
            .select_related("household", "recorded_by", "reverses", "reversal")
            .prefetch_related("evidence")
        )

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("<int:object_id>/reverse/", self.admin_site.admin_view(self.reverse_view), name=f"{name}_reverse"),
            path(
                "<int:object_id>/evidence/",
                self.admin_site.admin_view(self.add_evidence_view),
                name=f"{name}_evidence",
            ),
            *super().get_urls(),
        ]

    def has_reverse_permission(self, request, entry) -> bool:
        return request.user.has_perm("credits.add_entry") and may_write(request, entry.household.village_id)

    def has_add_evidence_permission(self, request, entry) -> bool:
        return request.user.has_perm("evidence.add_evidence") and may_write(request, entry.household.village_id)

    @admin.display(description=gettext_lazy("evidence"))
    def evidence_shown(self, entry):
        # Prefetched with the entry; each thumbnail opens the file through the view that checks who asks.
        items = list(entry.evidence.all())
        return (
            render_to_string("evidence/_thumbnails.html", {"evidence": items, "open_original": True}) if items else "-"
        )

    @admin.display(description=gettext_lazy("points"), ordering="points")
    def points_signed(self, entry):
        return signed_points(entry.points)

    @admin.display(description=gettext_lazy("reversed by"))
    def reversed_by(self, entry):
        reversal = getattr(entry, "reversal", None)
        if reversal is None:
            return "-"
        url = reverse("admin:credits_entry_change", args=[reversal.pk])
        return format_html('<a href="{}">{}</a>', url, reversal)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["can_reverse"] = (
                obj.kind in REVERSIBLE_KINDS
                and getattr(obj, "reversal", None) is None
                and obj.household.active
                and self.has_reverse_permission(request, obj)
            )
            context["can_add_evidence"] = self.has_add_evidence_permission(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def reverse_view(self, request, object_id):
        """Undo a mistaken entry with a reversal entry, giving the reason."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        entry = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_reverse_permission(request, entry):
            raise PermissionDenied
        form = ReverseForm(request.POST) if request.method == "POST" else ReverseForm()
        if request.method == "POST" and form.is_valid():
            try:
                reversal = entry_reverse(entry=entry, reason=form.cleaned_data["reason"], by=request.user)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                message = _("Entry #%(entry)s was reversed: score %(score)s, balance %(balance)s.")
                params = {"entry": entry.pk, "score": reversal.score_after, "balance": reversal.balance_after}
                self.message_user(request, message % params, messages.SUCCESS)
                return redirect("admin:households_household_statement", entry.household_id)
        return form_page(
            self,
            request,
            form=form,
            title=_("Reverse entry #%(entry)s") % {"entry": entry.pk},
            submit_label=_("Reverse"),
            household=entry.household,
            entry=entry,
        )

    def add_evidence_view(self, request, object_id):
        """Add photos or documents to an entry already in the ledger; the entry itself is not touched."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        entry = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_add_evidence_permission(request, entry):
            raise PermissionDenied
        form = EvidenceForm(request.POST, request.FILES) if request.method == "POST" else EvidenceForm()
        if request.method == "POST" and form.is_valid():
            try:
                added = evidence_entry_add(entry=entry, files=form.evidence(), by=request.user)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                message = ngettext(
                    "%(count)d file was added to entry #%(entry)s.",
                    "%(count)d files were added to entry #%(entry)s.",
                    len(added),
                )
                self.message_user(request, message % {"count": len(added), "entry": entry.pk}, messages.SUCCESS)
                return redirect("admin:credits_entry_change", entry.pk)
        return form_page(
            self,
            request,
            form=form,
            title=_("Add evidence to entry #%(entry)s") % {"entry": entry.pk},
            submit_label=_("Add"),
            household=entry.household,
            entry=entry,
            cancel_url=reverse("admin:credits_entry_change", args=[entry.pk]),
        )
