"""The year close in the admin: a clerk previews a year of their village and closes it; anyone who
reads the village reads its closes and their frozen figures; a superuser reopens one with a reason.

Every write goes through `years.services`; another village's closes are a plain 404.
"""

from collections import Counter

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from credits.admin.pages import admin_page
from households.admin import ScopedAdmin, person
from households.errors import DomainError
from households.selectors import star_levels, villages_for
from years.forms import ReopenForm, YearChoiceForm, YearCloseForm
from years.models import YearClose
from years.selectors import live_figures
from years.services import year_close, year_reopen


@admin.register(YearClose)
class YearCloseAdmin(ScopedAdmin):
    list_display = ("village", "year", "state", "closed_at", "closed_by_name", "households", "points", "new_year")
    list_display_links = ("village", "year")
    list_filter = ("year",)
    ordering = ("village__name", "-year", "-closed_at")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(village__in=villages_for(request.user))
            .select_related("village", "closed_by", "reopened_by")
        )

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("state"))
    def state(self, close):
        return pgettext("year", "closed") if close.standing else pgettext("year", "reopened")

    @admin.display(description=gettext_lazy("closed by"))
    def closed_by_name(self, close):
        return person(close.closed_by)

    @admin.display(description=gettext_lazy("the new year"))
    def new_year(self, close):
        parts = [close.get_score_start_display()]
        if close.balance_start == YearClose.BalanceStart.EXPIRE:
            parts.append(
                _("%(percent)s%% of the balance expires on %(date)s")
                % {"percent": close.expire_percent, "date": close.expire_on.isoformat()}
            )
        else:
            parts.append(close.get_balance_start_display())
        return "；".join(str(part) for part in parts)

    def get_urls(self):
        return [
            path(
                "<int:object_id>/reopen/", self.admin_site.admin_view(self.reopen_view), name="years_yearclose_reopen"
            ),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        """Close a year: choose the village and year, read the preview, choose how the new year starts."""
        villages = villages_for(request.user, write=True)
        # The role's permission, and a village to close: asked here, not on every admin page's menu.
        if not self.has_add_permission(request) or not villages.exists():
            raise PermissionDenied
        data = request.POST if request.method == "POST" else (request.GET if "year" in request.GET else None)
        choice = YearChoiceForm(data, villages=villages, initial=self._next_year(villages))
        close_form = YearCloseForm(request.POST if request.method == "POST" else None)
        preview = None
        if choice.is_bound and choice.is_valid():
            village, year = choice.cleaned_data["village"], choice.cleaned_data["year"]
            if request.method == "POST" and close_form.is_valid():
                try:
                    close = year_close(village=village, year=year, by=request.user, **close_form.cleaned_data)
                except DomainError as error:
                    close_form.add_error(None, error.message)
                else:
                    self.log_addition(request, close, [{"added": {}}])
                    message = _("%(village)s closed %(year)s: %(households)s households' figures are frozen.")
                    params = {"village": village.name, "year": year, "households": close.households}
                    self.message_user(request, message % params, messages.SUCCESS)
                    return redirect("admin:years_yearclose_change", close.pk)
            preview = self._preview(village, year)
        return admin_page(
            self,
            request,
            "admin/years/yearclose/close.html",
            title=_("Close a year"),
            choice=choice,
            close_form=close_form,
            preview=preview,
            media=self.media + close_form.media,
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """A close and its frozen figures, read-only; the reopening form for a superuser."""
        close = self._close(request, object_id)
        rows = list(close.rows.order_by("rank", "number", "pk"))
        levels = star_levels(close.village_id)
        return admin_page(
            self,
            request,
            "admin/years/yearclose/detail.html",
            title=_("%(village)s, year %(year)s") % {"village": close.village.name, "year": close.year},
            close=close,
            rows=rows,
            star_totals=_star_totals([row.stars for row in rows], levels),
            history=YearClose.objects.filter(village=close.village, year=close.year).exclude(pk=close.pk),
            reopen_form=ReopenForm() if self._may_reopen(request, close) else None,
            original=close,
        )

    def reopen_view(self, request, object_id):
        close = self._close(request, object_id)
        if not self._may_reopen(request, close):
            raise PermissionDenied
        form = ReopenForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                year_reopen(close=close, reason=form.cleaned_data["reason"], by=request.user)
            except DomainError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                message = _("%(village)s's year %(year)s is open again; its frozen figures are kept.")
                self.message_user(request, message % {"village": close.village.name, "year": close.year})
                return redirect("admin:years_yearclose_changelist")
        elif request.method == "POST":
            self.message_user(request, _("Please give a reason."), messages.ERROR)
        return redirect("admin:years_yearclose_change", close.pk)

    def _close(self, request, object_id) -> YearClose:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(self.get_queryset(request), pk=object_id)

    def _may_reopen(self, request, close: YearClose) -> bool:
        return request.user.is_superuser and close.standing and close.village.closed_year == close.year

    def _next_year(self, villages) -> dict:
        village = villages.order_by("name").first()
        if village is None:
            return {}
        last = timezone.localdate().year - 1
        year = village.closed_year + 1 if village.closed_year else last
        return {"village": village, "year": min(year, last)}

    def _preview(self, village, year) -> dict:
        figures = live_figures(village, year)
        levels = star_levels(village.pk)
        return {
            "village": village,
            "year": year,
            "figures": figures,
            "households": len(figures),
            "points": sum(figure.points for figure in figures),
            "star_totals": _star_totals([figure.stars for figure in figures], levels),
            "closed_year": village.closed_year,
            "base": settings.XIANGFENG_BASE_SCORE,
            "next": year + 1,
        }


def _star_totals(stars: list[int], levels) -> list[tuple[int, int]]:
    """(stars, households), most stars first and none last, every level of the scheme listed."""
    counts = Counter(stars)
    return [(level, counts.get(level, 0)) for level, _min in reversed(levels)] + [(0, counts.get(0, 0))]
