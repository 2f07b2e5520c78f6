"""Titles held, read-only and scoped (the services award them), and a village's nine-star scheme,
which its clerks keep."""

import csv

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from credits.admin.pages import admin_page
from households.admin import ScopedAdmin
from households.exports import SheetExportMixin
from households.selectors import household_match, villages_for
from titles.exports import TitleResource
from titles.forms import NamedStarForm, RankingForm
from titles.models import NamedStar, Title
from titles.ranking import town_ranking, towns_for_officer


@admin.register(Title)
class TitleAdmin(SheetExportMixin, ScopedAdmin):
    resource_classes = [TitleResource]
    change_list_template = "admin/titles/title/titles_list.html"
    list_display = ("year", "level", "village", "number", "head_name", "stars_shown", "named", "certificate")
    list_filter = ("year", "level")
    search_fields = ("number",)
    search_help_text = _("Household number, head's name, or pinyin initials.")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(village__in=villages_for(request.user)).select_related("village")

    def get_list_display(self, request):
        # A clerk of one village needs no village column: one column fewer, which a phone feels.
        if villages_for(request.user)[:2].count() < 2:
            return tuple(name for name in self.list_display if name != "village")
        return self.list_display

    def get_search_results(self, request, queryset, search_term):
        return queryset.filter(household_match(search_term, path="household__")), False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "<int:object_id>/certificate/",
                self.admin_site.admin_view(self.certificate_view),
                name="titles_title_certificate",
            ),
            path("ranking/", self.admin_site.admin_view(self.ranking_view), name="titles_title_ranking"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "may_rank": towns_for_officer(request.user).exists()}
        return super().changelist_view(request, extra_context)

    def ranking_view(self, request):
        """A town's households ranked by a year's points, for the town's and the county's officers."""
        towns = towns_for_officer(request.user)
        if not self.has_view_permission(request) or not towns.exists():
            raise PermissionDenied
        form = RankingForm(request.GET if "town" in request.GET else None, towns=towns)
        rows = total = None
        if form.is_bound and form.is_valid():
            rows = town_ranking(form.cleaned_data["town"], form.cleaned_data["year"])
            if request.GET.get("format") == "csv":
                return ranking_csv(rows, form.cleaned_data["town"], form.cleaned_data["year"])
            total = len(rows)
            rows = rows[:RANKING_SHOWN]
        query = f"town={form['town'].value() or ''}&year={form['year'].value() or ''}"
        return admin_page(
            self, request, "admin/titles/title/ranking.html", title=_("Town-wide ranking"), form=form,
            rows=rows, total=total, query=query,
        )  # fmt: skip

    def certificate_view(self, request, object_id):
        """A certificate or door plaque to print, on one A4 or A5 page."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        title = get_object_or_404(self.get_queryset(request), pk=object_id)
        size = "a5" if request.GET.get("size") == "a5" else "a4"
        return TemplateResponse(
            request, "titles/certificate.html", {"title": title, "size": size, "stars_row": "★" * title.stars}
        )

    @admin.display(description=_("certificate"))
    def certificate(self, title):
        from django.urls import reverse
        from django.utils.html import format_html

        link = reverse("admin:titles_title_certificate", args=[title.pk])
        return format_html('<a href="{}?size=a4">A4</a> · <a href="{}?size=a5">A5</a>', link, link)

    @admin.display(description=_("stars"))
    def stars_shown(self, title):
        return "★" * title.stars

    @admin.display(description=_("named stars"))
    def named(self, title):
        return "、".join(title.named_stars)


@admin.register(NamedStar)
class NamedStarAdmin(ScopedAdmin):
    form = NamedStarForm
    list_display = ("village", "position", "name", "condition", "n")
    list_display_links = ("name",)
    filter_horizontal = ()

    def get_queryset(self, request):
        return super().get_queryset(request).filter(village__in=villages_for(request.user)).select_related("village")

    def _writes(self, request, obj) -> bool:
        return obj is None or villages_for(request.user, write=True).filter(pk=obj.village_id).exists()

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._writes(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._writes(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "village":
            kwargs["queryset"] = villages_for(request.user, write=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in ("domain", "rules") and field is not None:
            # No links to add or edit a domain or rule here: those belong to a draft of the catalogue.
            field.widget = getattr(field.widget, "widget", field.widget)
        return field

    def get_form(self, request, obj=None, change=False, **kwargs):
        """The form offers the domains and rules of the star's village, or of each village the clerk keeps."""
        form = super().get_form(request, obj, change, **kwargs)
        villages = [obj.village] if obj is not None else list(villages_for(request.user, write=True))
        return type(form.__name__, (form,), {"villages": villages})


# A page shows this many; the CSV holds them all.
RANKING_SHOWN = 500


def ranking_csv(rows, town, year) -> HttpResponse:
    from households.exports import sheet_text

    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ranking-{year}.csv"'
    response.write("\ufeff")  # Excel reads the Chinese as UTF-8 only after a byte order mark
    writer = csv.writer(response)
    writer.writerow(
        [
            str(_("rank")),
            str(_("village")),
            str(_("household number")),
            str(_("head of household")),
            str(_("points of the year")),
            str(_("stars")),
            str(_("rank in the village")),
            str(_("titles")),
        ]
    )
    for row in rows:
        writer.writerow(
            [
                row.rank,
                sheet_text(row.village),
                sheet_text(row.number),
                sheet_text(row.head_name),
                row.points,
                row.stars,
                row.village_rank,
                "、".join(row.levels),
            ]
        )
    return response
