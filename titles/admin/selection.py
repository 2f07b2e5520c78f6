"""A village's selection of a year, step by step: the clerk starts it, sets its conditions, reads the
candidates, confirms, publishes for notice, awards and nominates to the town. Anyone who reads the
village reads its selections; another village's are a plain 404. Every write goes through
`titles.services`.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from credits.admin.pages import admin_page
from households.admin import ScopedAdmin
from households.errors import DomainError
from households.selectors import may_change_village, villages_for
from titles.forms import ConditionsForm, NoticeForm, SelectionStartForm
from titles.models import Level, Nomination, Selection, Title
from titles.selectors import selection_candidates
from titles.services import (
    selection_award,
    selection_confirm,
    selection_create,
    selection_publish,
    selection_update,
    title_nominate,
)

State = Selection.State


@admin.register(Selection)
class SelectionAdmin(ScopedAdmin):
    list_display = ("village", "year", "state", "notice_until")
    list_display_links = ("village", "year")
    list_filter = ("year", "state")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(village__in=villages_for(request.user)).select_related("village")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        steps = [
            path(
                f"<int:object_id>/{step}/",
                self.admin_site.admin_view(self.step_view),
                {"step": step},
                name=f"titles_selection_{step}",
            )
            for step in ("conditions", "confirm", "publish", "award", "nominate")
        ]
        return [*steps, *super().get_urls()]

    def add_view(self, request, form_url="", extra_context=None):
        villages = villages_for(request.user, write=True)
        if not self.has_add_permission(request) or not villages.exists():
            raise PermissionDenied
        form = SelectionStartForm(request.POST or None, villages=villages)
        if request.method == "POST" and form.is_valid():
            try:
                selection = selection_create(by=request.user, **form.cleaned_data)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                self.log_addition(request, selection, [{"added": {}}])
                return redirect("admin:titles_selection_change", selection.pk)
        return admin_page(self, request, "admin/titles/selection/start.html", title=_("Start a selection"), form=form)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        selection = self._selection(request, object_id)
        return self._page(request, selection)

    def step_view(self, request, object_id, step):
        selection = self._selection(request, object_id)
        if request.method != "POST":
            return redirect("admin:titles_selection_change", selection.pk)
        if not may_change_village(request.user, selection.village_id) or not self.has_add_permission(request):
            raise PermissionDenied
        by = request.user
        conditions = notice = None
        try:
            if step == "conditions":
                conditions = ConditionsForm(request.POST, selection=selection)
                if not conditions.is_valid():
                    return self._page(request, selection, conditions=conditions)
                selection_update(
                    selection=selection,
                    by=by,
                    min_stars=conditions.cleaned_data["min_stars"],
                    minimums=conditions.minimums(),
                    veto_rules=list(conditions.cleaned_data["veto_rules"]),
                )
                done = _("The conditions are saved.")
            elif step == "confirm":
                selection = selection_confirm(selection=selection, by=by)
                done = _("The list of %(n)s candidates is confirmed.") % {"n": selection.candidates.count()}
            elif step == "publish":
                notice = NoticeForm(request.POST)
                if not notice.is_valid():
                    return self._page(request, selection, notice=notice)
                selection_publish(selection=selection, by=by, notice_until=notice.cleaned_data["notice_until"])
                done = _("The candidates are on the board until %(date)s.") % {
                    "date": notice.cleaned_data["notice_until"].isoformat()
                }
            elif step == "award":
                titles = selection_award(selection=selection, by=by)
                done = _("%(n)s village titles awarded.") % {"n": len(titles)}
            else:
                chosen = Title.objects.filter(
                    selection=selection, level=Level.VILLAGE, pk__in=request.POST.getlist("title")
                )
                if not chosen:
                    raise DomainError(_("Choose the households to nominate."))
                for title in chosen:
                    title_nominate(title=title, by=by)
                done = _("%(n)s households nominated to the town.") % {"n": len(chosen)}
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)
            return self._page(request, selection, conditions=conditions, notice=notice)
        self.message_user(request, done, messages.SUCCESS)
        return redirect("admin:titles_selection_change", selection.pk)

    def _selection(self, request, object_id) -> Selection:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(self.get_queryset(request), pk=object_id)

    def _page(self, request, selection, *, conditions=None, notice=None):
        writer = may_change_village(request.user, selection.village_id) and self.has_add_permission(request)
        draft = selection.state == State.DRAFT
        titles = list(Title.objects.filter(selection=selection).order_by("-stars", "number"))
        nominated = set(
            Nomination.objects.filter(title__in=titles, to_level=Level.TOWN).values_list("title_id", flat=True)
        )
        return admin_page(
            self,
            request,
            "admin/titles/selection/detail.html",
            title=_("Selection of %(year)s, %(village)s")
            % {"year": selection.year, "village": selection.village.name},
            selection=selection,
            writer=writer,
            candidates=selection_candidates(selection) if draft else list(selection.candidates.all()),
            conditions=(conditions or ConditionsForm(selection=selection)) if draft and writer else None,
            veto_names=[rule.name for rule in selection.veto_rules.all()],
            minimums=list(selection.minimums.select_related("domain")),
            notice=notice or NoticeForm(initial={"notice_until": timezone.localdate()}),
            titles=[(title, title.pk in nominated) for title in titles],
            # The nominating form only for a writer with a title still to nominate: no button that cannot work.
            nominable=writer and any(title.pk not in nominated for title in titles),
            notice_over=selection.notice_until is not None and timezone.localdate() > selection.notice_until,
            original=selection,
        )
