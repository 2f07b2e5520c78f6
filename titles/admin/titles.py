"""Titles held, read-only and scoped (the services award them), and a village's nine-star scheme,
which its clerks keep."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from credits.models import Domain, Rule
from households.admin import ScopedAdmin
from households.selectors import household_match, villages_for
from titles.forms import NamedStarForm
from titles.models import NamedStar, Title


@admin.register(Title)
class TitleAdmin(ScopedAdmin):
    list_display = ("year", "level", "village", "number", "head_name", "stars_shown", "named", "certificate")
    list_filter = ("year", "level")
    search_fields = ("number",)
    search_help_text = _("Household number, head's name, or pinyin initials.")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(village__in=villages_for(request.user)).select_related("village")

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
            *super().get_urls(),
        ]

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
        villages = villages_for(request.user, write=True)
        if db_field.name == "village":
            kwargs["queryset"] = villages
        if db_field.name == "domain":
            kwargs["queryset"] = Domain.objects.filter(version__catalogue__village__in=villages)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "rules":
            villages = villages_for(request.user, write=True)
            kwargs["queryset"] = Rule.objects.filter(version__catalogue__village__in=villages).select_related(
                "version"
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)
