"""Claims and reports in the admin: the clerk's queue, with photos side by side, and its decisions.

Claims and reports are written only by `claims.services`: the lists and pages are read-only, and
the approve, reject and handled pages each call one service and show its refusal. A village's
limits and claimable rules have their own page, kept by its clerks.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from claims.forms import HandleForm, RejectForm
from claims.models import Claim, ClaimSettings, Report
from claims.selectors import CLAIM_QUEUE, REPORT_QUEUE, claimable_keys, claims_for, reports_for
from claims.services import claim_approve, claim_reject, claimable_set, may_review, report_handle
from credits.admin.entry import signed_points
from credits.admin.pages import admin_page
from credits.selectors import version_in_force
from households.admin import AppendOnlyAdmin, HouseholdRowSearch, ScopedAdmin, may_write, person
from households.errors import DomainError
from households.selectors import villages_for


def _thumbnails(evidence) -> str:
    evidence = list(evidence)
    return render_to_string("evidence/_thumbnails.html", {"evidence": evidence}) if evidence else "-"


class DecisionAdmin(HouseholdRowSearch, AppendOnlyAdmin):
    """What claims and reports share: a scoped, read-only queue and one-form decision pages."""

    list_per_page = 50

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(f"claims.view_{self.opts.model_name}")

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    @admin.display(description=gettext_lazy("photos"))
    def photos(self, obj):
        return _thumbnails(obj.evidence.all())

    def _object(self, request, object_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(self.get_queryset(request), pk=object_id)

    def _page(self, request, obj, *, title, form=None, error=None, submit):
        return admin_page(
            self,
            request,
            "admin/claims/claim/action.html",
            title=title,
            obj=obj,
            evidence=list(obj.evidence.order_by("id")),
            form=form,
            error=error,
            submit=submit,
            change_url=reverse(f"admin:claims_{self.opts.model_name}_change", args=[obj.pk]),
            changelist_url=reverse(f"admin:claims_{self.opts.model_name}_changelist"),
            media=self.media + form.media if form else self.media,
        )


@admin.register(Claim)
class ClaimAdmin(DecisionAdmin):
    change_form_template = "admin/claims/claim/change_form.html"
    ordering = CLAIM_QUEUE  # pending first, the longest waiting on top (`queue_order`)
    list_display = (
        "created_at",
        "household",
        "rule_name",
        "points_signed",
        "occurred_on",
        "photos",
        "state",
        "decider",
    )
    list_filter = ("state",)
    list_select_related = ("household", "decided_by")
    fields = (
        "household",
        "rule_name",
        "points",
        "occurred_on",
        "description",
        "created_at",
        "photos",
        "state",
        "decided_by",
        "decided_at",
        "reason",
        "outcome",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            claims_for(request.user)
            .select_related("household", "decided_by", "entry", "case")
            .prefetch_related("evidence")
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:object_id>/approve/", view(self.approve_view), name="claims_claim_approve"),
            path("<int:object_id>/reject/", view(self.reject_view), name="claims_claim_reject"),
            *super().get_urls(),
        ]

    @admin.display(description=gettext_lazy("points"), ordering="points")
    def points_signed(self, claim):
        return signed_points(claim.points)

    @admin.display(description=gettext_lazy("decided by"), ordering="decided_by")
    def decider(self, claim):
        return person(claim.decided_by) if claim.decided_by_id else "—"

    @admin.display(description=gettext_lazy("recorded as"))
    def outcome(self, claim):
        if claim.entry_id:
            url = reverse("admin:credits_entry_change", args=[claim.entry_id])
            return format_html('<a href="{}" id="xf-claim-entry">{}</a>', url, claim.entry)
        if claim.case_id:
            url = reverse("admin:cases_case_change", args=[claim.case_id])
            return format_html('<a href="{}" id="xf-claim-case">{}</a>', url, claim.case)
        return "—"

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["can_decide"] = obj.state == Claim.State.PENDING and may_review(request.user, obj.village_id)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def approve_view(self, request, object_id):
        """Approve: a confirmation page with the claim and its photos; the POST calls the service."""
        claim = self._object(request, object_id)
        error = None
        if request.method == "POST":
            try:
                claim = claim_approve(claim=claim, by=request.user)
            except DomainError as refusal:
                error = refusal.message
            else:
                if claim.entry_id:
                    message = _("Claim #%(claim)s approved: %(points)+d recorded for %(household)s.")
                else:
                    message = _("Claim #%(claim)s approved; as the village's settings say, it became a case first.")
                params = {"claim": claim.pk, "points": claim.points, "household": claim.household}
                self.message_user(request, message % params, messages.SUCCESS)
                return redirect("admin:claims_claim_changelist")
        title = _("Approve claim #%(claim)s") % {"claim": claim.pk}
        return self._page(request, claim, title=title, error=error, submit=_("Approve"))

    def reject_view(self, request, object_id):
        claim = self._object(request, object_id)
        form = RejectForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                claim_reject(claim=claim, by=request.user, reason=form.cleaned_data["reason"])
            except DomainError as refusal:
                form.add_error(None, refusal.message)
            else:
                self.message_user(request, _("Claim #%(claim)s rejected.") % {"claim": claim.pk}, messages.SUCCESS)
                return redirect("admin:claims_claim_changelist")
        title = _("Reject claim #%(claim)s") % {"claim": claim.pk}
        return self._page(request, claim, title=title, form=form, submit=_("Reject"))


@admin.register(Report)
class ReportAdmin(DecisionAdmin):
    change_form_template = "admin/claims/claim/change_form.html"
    ordering = REPORT_QUEUE
    list_display = ("created_at", "household", "place", "summary", "photos", "state", "handler")
    list_filter = ("state",)
    list_select_related = ("household", "handled_by")
    fields = ("household", "place", "description", "created_at", "photos", "state", "handled_by", "handled_at", "note")
    readonly_fields = fields

    def get_queryset(self, request):
        return reports_for(request.user).select_related("household", "handled_by").prefetch_related("evidence")

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:object_id>/handle/", view(self.handle_view), name="claims_report_handle"),
            *super().get_urls(),
        ]

    @admin.display(description=gettext_lazy("what was seen"))
    def summary(self, report):
        return report.description[:60]

    @admin.display(description=gettext_lazy("handled by"))
    def handler(self, report):
        return person(report.handled_by) if report.handled_by_id else "—"

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["can_handle"] = obj.state == Report.State.OPEN and may_review(request.user, obj.village_id)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def handle_view(self, request, object_id):
        report = self._object(request, object_id)
        form = HandleForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                report_handle(report=report, by=request.user, note=form.cleaned_data["note"])
            except DomainError as refusal:
                form.add_error(None, refusal.message)
            else:
                self.message_user(request, _("Report #%(report)s handled.") % {"report": report.pk}, messages.SUCCESS)
                return redirect("admin:claims_report_changelist")
        title = _("Mark report #%(report)s handled") % {"report": report.pk}
        return self._page(request, report, title=title, form=form, submit=_("Save"))


class ClaimSettingsForm(forms.ModelForm):
    claimable = forms.MultipleChoiceField(
        label=gettext_lazy("claimable rules"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "Awards of the catalogue in force that households may claim from their lookup page. "
            "The choice follows each rule into later versions of the catalogue."
        ),
    )

    class Meta:
        model = ClaimSettings
        fields = ("village", "per_day", "window_days")


@admin.register(ClaimSettings)
class ClaimSettingsAdmin(ScopedAdmin):
    """A village's limits and claimable rules; a village without a row has the defaults and no claimable rule."""

    form = ClaimSettingsForm
    list_display = ("village", "per_day", "window_days")
    list_select_related = ("village",)
    fields = ("village", "per_day", "window_days", "claimable")
    LIMITS = {"per_day": (1, 50), "window_days": (1, 366)}

    def get_queryset(self, request):
        return ClaimSettings.objects.filter(village__in=villages_for(request.user)).select_related("village")

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or may_write(request, obj.village_id)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else ("village",)

    def _villages_without_settings(self, request):
        return villages_for(request.user, write=True).exclude(claim_settings__isnull=False)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "village":
            kwargs["queryset"] = self._villages_without_settings(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in self.LIMITS:
            kwargs["min_value"], kwargs["max_value"] = self.LIMITS[db_field.name]
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        village_ids = (
            [obj.village_id] if obj else list(self._villages_without_settings(request).values_list("pk", flat=True))
        )
        choices = []
        for village_id in village_ids:
            version = version_in_force(village_id, on=timezone.localdate())
            if version is not None:
                rules = version.rules.filter(points__gt=0, active=True).order_by("domain__position", "position", "id")
                choices += [(rule.key, f"{rule.name} +{rule.points}") for rule in rules]
        form.base_fields["claimable"].choices = choices
        form.base_fields["claimable"].initial = sorted(claimable_keys(obj.village_id)) if obj else []
        return form

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        try:
            claimable_set(village=form.instance.village, keys=form.cleaned_data["claimable"], by=request.user)
        except DomainError as refusal:
            raise PermissionDenied(refusal.message) from refusal

