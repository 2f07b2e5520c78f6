"""Cases in the admin: the queue of what waits for whom, each case's page, and the review pages.

Cases are written only by `cases.services`: the list and the case page are read-only, and the
approve, not-approve and decide pages each call one service and show its refusal as a form error.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.forms import DecideForm, RejectForm
from cases.models import Case
from cases.selectors import cases_for, reviewer_village_ids
from cases.services import (
    case_approve,
    case_decide,
    case_finalise,
    case_reject,
    finalise_due,
    is_reviewer,
    may_approve,
)
from credits.admin.entry import signed_points
from credits.admin.pages import admin_page
from households.admin import AppendOnlyAdmin, HouseholdRowSearch, person
from households.errors import DomainError
from households.selectors import villages_for

State = Case.State


class WaitingForFilter(admin.SimpleListFilter):
    """The queue: what waits for the user, for approval, for review, or in notice."""

    title = gettext_lazy("waiting for")
    parameter_name = "waiting"

    def lookups(self, request, model_admin):
        return [
            ("me", _("me")),
            ("approval", _("approval")),
            ("review", _("review of an objection")),
            ("notice", _("the end of the notice period")),
            ("closed", _("nothing: closed")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "me":
            user = request.user
            approvable = Q(village__in=villages_for(user, write=True)) | Q(village_id__in=reviewer_village_ids(user))
            reviewable = Q(village_id__in=reviewer_village_ids(user))
            if user.is_superuser:
                approvable = reviewable = Q()
            mine = (Q(state=State.APPROVAL) & approvable) | (Q(state=State.OBJECTED) & reviewable)
            return queryset.filter(mine).exclude(recorded_by=user)
        states = {"approval": [State.APPROVAL], "review": [State.OBJECTED], "notice": [State.NOTICE]}
        if value in states:
            return queryset.filter(state__in=states[value])
        if value == "closed":
            return queryset.exclude(state__in=Case.OPEN_STATES)
        return queryset


@admin.register(Case)
class CaseAdmin(HouseholdRowSearch, AppendOnlyAdmin):
    change_form_template = "admin/cases/case/change_form.html"
    list_display = (
        "created_at",
        "household",
        "title",
        "points_signed",
        "occurred_on",
        "state",
        "waiting_for",
        "recorder",
    )
    list_filter = (WaitingForFilter, "state", "kind")
    list_select_related = ("household", "recorded_by")
    fieldsets = (
        (None, {"fields": ("household", "kind", "rule_name", "points", "occurred_on", "note", "state")}),
        (gettext_lazy("Recorded"), {"fields": ("recorded_by", "created_at", "approved_by", "approved_at")}),
        (gettext_lazy("Notice and objection"), {"fields": ("notice_ends_at", "objection", "objected_at")}),
        (
            gettext_lazy("Decision"),
            {"fields": ("decision", "reason", "decided_by", "decided_at", "final_points", "entry_link")},
        ),
        (None, {"fields": ("ledger_refusal", "closed_at")}),
        (gettext_lazy("Evidence"), {"fields": ("evidence_shown", "objection_evidence_shown")}),
    )
    readonly_fields = (
        "household",
        "kind",
        "rule_name",
        "points",
        "occurred_on",
        "note",
        "state",
        "recorded_by",
        "created_at",
        "approved_by",
        "approved_at",
        "notice_ends_at",
        "objection",
        "objected_at",
        "decision",
        "reason",
        "decided_by",
        "decided_at",
        "final_points",
        "entry_link",
        "ledger_refusal",
        "closed_at",
        "evidence_shown",
        "objection_evidence_shown",
    )

    def get_queryset(self, request):
        return cases_for(request.user).select_related("household", "recorded_by", "entry")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("cases.view_case")

    def has_module_permission(self, request):
        return request.user.has_perm("cases.view_case")

    def get_urls(self):
        view = self.admin_site.admin_view
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("<int:object_id>/approve/", view(self.approve_view), name=f"{name}_approve"),
            path("<int:object_id>/reject/", view(self.reject_view), name=f"{name}_reject"),
            path("<int:object_id>/decide/", view(self.decide_view), name=f"{name}_decide"),
            *super().get_urls(),
        ]

    @admin.display(description=gettext_lazy("rule"))
    def title(self, case):
        return case.rule_name or case.get_kind_display()

    @admin.display(description=gettext_lazy("points"), ordering="points")
    def points_signed(self, case):
        return signed_points(case.points)

    @admin.display(description=gettext_lazy("recorded by"), ordering="recorded_by")
    def recorder(self, case):
        return person(case.recorded_by)

    @admin.display(description=gettext_lazy("waiting for"))
    def waiting_for(self, case):
        if case.state == State.APPROVAL:
            return _("a clerk or reviewer other than %(recorder)s") % {"recorder": person(case.recorded_by)}
        if case.state == State.OBJECTED:
            return _("the village's reviewers")
        if case.state == State.NOTICE:
            deadline = formats.date_format(timezone.localtime(case.notice_ends_at), "SHORT_DATETIME_FORMAT")
            return _("objections until %(deadline)s") % {"deadline": deadline}
        return "—"

    @admin.display(description=gettext_lazy("evidence"))
    def evidence_shown(self, case):
        return _thumbnails(case.evidence.order_by("id"))

    @admin.display(description=gettext_lazy("evidence of the objection"))
    def objection_evidence_shown(self, case):
        return _thumbnails(case.objection_evidence.order_by("id"))

    @admin.display(description=gettext_lazy("entry"))
    def entry_link(self, case):
        if case.entry_id is None:
            return "-"
        url = reverse("admin:credits_entry_change", args=[case.entry_id])
        return format_html('<a href="{}">{}</a>', url, case.entry)

    def changelist_view(self, request, extra_context=None):
        # Reading the list finalises what is due in the user's villages (cron may not have run yet).
        for village in villages_for(request.user).filter(pk__in=self._due_villages()):
            finalise_due(village=village)
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        case = Case.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
        if case is not None and case.state == State.NOTICE and case.notice_ends_at <= timezone.now():
            case_finalise(case=case)
        return super().change_view(request, object_id, form_url, extra_context)

    @staticmethod
    def _due_villages():
        return Case.objects.filter(state=State.NOTICE, notice_ends_at__lte=timezone.now()).values("village_id")

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["can_approve"] = self._may_approve(request, obj)
            context["can_decide"] = self._may_decide(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _may_approve(self, request, case) -> bool:
        return (
            case.state == State.APPROVAL
            and case.recorded_by_id != request.user.pk
            and may_approve(request.user, case.village_id)
        )

    def _may_decide(self, request, case) -> bool:
        return (
            case.state == State.OBJECTED
            and case.recorded_by_id != request.user.pk
            and request.user.has_perm("cases.review_case")
            and is_reviewer(request.user, case.village_id)
        )

    def _case(self, request, object_id) -> Case:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(self.get_queryset(request), pk=object_id)

    def approve_view(self, request, object_id):
        """Approve (a second pair of eyes): a confirmation page; the POST calls the service."""
        case = self._case(request, object_id)
        error = None
        if request.method == "POST":
            try:
                case = case_approve(case=case, by=request.user)
            except DomainError as refusal:
                error = refusal.message
            else:
                self.message_user(request, _done_message(case), messages.SUCCESS)
                return redirect("admin:cases_case_change", case.pk)
        return self._page(request, case, title=_("Approve case #%(case)s") % {"case": case.pk}, error=error)

    def reject_view(self, request, object_id):
        case = self._case(request, object_id)
        form = RejectForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                case_reject(case=case, by=request.user, reason=form.cleaned_data["reason"])
            except DomainError as refusal:
                form.add_error(None, refusal.message)
            else:
                self.message_user(request, _("Case #%(case)s was not approved.") % {"case": case.pk}, messages.SUCCESS)
                return redirect("admin:cases_case_change", case.pk)
        return self._page(request, case, title=_("Do not approve case #%(case)s") % {"case": case.pk}, form=form)

    def decide_view(self, request, object_id):
        """A reviewer decides an objection: upheld, reduced or withdrawn, with the reason."""
        case = self._case(request, object_id)
        form = DecideForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                case = case_decide(case=case, by=request.user, **form.cleaned_data)
            except DomainError as refusal:
                form.add_error(None, refusal.message)
            else:
                self.message_user(request, _done_message(case), messages.SUCCESS)
                return redirect("admin:cases_case_change", case.pk)
        return self._page(
            request, case, title=_("Decide the objection to case #%(case)s") % {"case": case.pk}, form=form
        )

    def _page(self, request, case, *, title, form=None, error=None):
        return admin_page(
            self,
            request,
            "admin/cases/case/action.html",
            title=title,
            case=case,
            evidence=list(case.evidence.order_by("id")),
            objection_evidence=list(case.objection_evidence.order_by("id")),
            form=form,
            error=error,
            media=self.media + form.media if form else self.media,
        )


def _thumbnails(evidence) -> str:
    evidence = list(evidence)
    return render_to_string("evidence/_thumbnails.html", {"evidence": evidence}) if evidence else "-"


def _done_message(case: Case) -> str:
    if case.state == State.FINAL:
        return _("Case #%(case)s is final: recorded %(points)+d for %(household)s.") % {
            "case": case.pk,
            "points": case.final_points,
            "household": case.household,
        }
    if case.state == State.NOTICE:
        deadline = formats.date_format(timezone.localtime(case.notice_ends_at), "SHORT_DATETIME_FORMAT")
        return _("Case #%(case)s is approved and in notice until %(deadline)s.") % {
            "case": case.pk,
            "deadline": deadline,
        }
    if case.state == State.WITHDRAWN:
        return _("Case #%(case)s is withdrawn: nothing was recorded.") % {"case": case.pk}
    if case.state == State.LAPSED:
        return _("Case #%(case)s could not be recorded: %(reason)s") % {"case": case.pk, "reason": case.ledger_refusal}
    return str(case)
