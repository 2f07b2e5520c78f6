"""The officers' side: the nominees put forward to their town or county, each selected for a title
within the place's quota of the year; a town's titles nominated on to the county; the quotas.

A town officer sees the nominations to their towns, a county officer those to their county; the
services check again who may select. Every write goes through `titles.services`.
"""

from collections import defaultdict

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from credits.admin.pages import admin_page
from households.admin import ScopedAdmin
from households.errors import DomainError
from households.models import County, Town
from households.selectors import villages_for
from titles.forms import QuotaForm
from titles.models import Level, Nomination, Quota, Title
from titles.selectors import nominations_for
from titles.services import quota_set, title_nominate, title_select


@admin.register(Nomination)
class NominationAdmin(ScopedAdmin):
    def get_queryset(self, request):
        return nominations_for(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "<int:object_id>/select/",
                self.admin_site.admin_view(self.select_view),
                name="titles_nomination_select",
            ),
            path(
                "to-county/<int:title_id>/",
                self.admin_site.admin_view(self.to_county_view),
                name="titles_nomination_to_county",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        """The nominees by place and year, with the quota and how much of it is used."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        nominations = list(
            self.get_queryset(request).order_by("-title__year", "title__village__name", "title__number")
        )
        groups = defaultdict(list)
        for nomination in nominations:
            village = nomination.title.village
            place = village.town if nomination.to_level == Level.TOWN else village.town.county
            groups[(nomination.to_level, place, nomination.title.year)].append(nomination)
        selected = set(
            Title.objects.filter(
                household__in=[n.title.household_id for n in nominations], level__in=[Level.TOWN, Level.COUNTY]
            ).values_list("household_id", "year", "level")
        )
        onward = set(
            Nomination.objects.filter(to_level=Level.COUNTY, title__level=Level.TOWN).values_list(
                "title__household_id", "title__year"
            )
        )
        town_titles = {
            (t.household_id, t.year): t
            for t in Title.objects.filter(level=Level.TOWN, household__in=[n.title.household_id for n in nominations])
        }
        places = []
        for (level, place, year), rows in groups.items():
            quota = Quota.objects.filter(year=year, **{"town" if level == Level.TOWN else "county": place}).first()
            used_filter = {"village__town": place} if level == Level.TOWN else {"village__town__county": place}
            used = Title.objects.filter(level=level, year=year, **used_filter).count()
            places.append(
                {
                    "level": Level(level).label,
                    "place": place,
                    "year": year,
                    "quota": quota,
                    "used": used,
                    "full": quota is None or used >= quota.places,
                    "rows": [
                        {
                            "nomination": n,
                            "selected": (n.title.household_id, year, level) in selected,
                            "town_title": town_titles.get((n.title.household_id, year))
                            if level == Level.TOWN
                            else None,
                            "onward": (n.title.household_id, year) in onward,
                            "county": place.county_id if level == Level.TOWN else None,
                        }
                        for n in rows
                    ],
                }
            )
        return admin_page(
            self,
            request,
            "admin/titles/nomination/list.html",
            title=_("Nominees"),
            places=places,
            may_select=True,
        )

    def select_view(self, request, object_id):
        nomination = get_object_or_404(self.get_queryset(request), pk=object_id)
        if request.method == "POST":
            try:
                title = title_select(nomination=nomination, by=request.user)
            except DomainError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                message = _("Household %(number)s %(name)s holds the %(level)s title of %(year)s.")
                params = {
                    "number": title.number,
                    "name": title.head_name,
                    "level": title.get_level_display(),
                    "year": title.year,
                }
                self.message_user(request, message % params, messages.SUCCESS)
        return redirect("admin:titles_nomination_changelist")

    def to_county_view(self, request, title_id):
        title = (
            get_object_or_404(Title, pk=title_id, level=Level.TOWN, village__town__officers=request.user)
            if not request.user.is_superuser
            else get_object_or_404(Title, pk=title_id, level=Level.TOWN)
        )
        if request.method == "POST":
            try:
                title_nominate(title=title, by=request.user)
            except DomainError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                self.message_user(
                    request, _("%(title)s is nominated to the county.") % {"title": title}, messages.SUCCESS
                )
        return redirect("admin:titles_nomination_changelist")


@admin.register(Quota)
class QuotaAdmin(ScopedAdmin):
    form = QuotaForm
    list_display = ("place", "year", "places")
    list_filter = ("year",)

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("town", "county")
        user = request.user
        if user.is_superuser:
            return queryset
        towns = Town.objects.filter(Q(officers=user) | Q(county__officers=user) | Q(villages__in=villages_for(user)))
        return queryset.filter(Q(town__in=towns) | Q(county__officers=user)).distinct()

    @admin.display(description=gettext_lazy("town or county"))
    def place(self, quota):
        return quota.town or quota.county

    # Officers hold read permissions only: who sets a quota is the service's rule (a town's by its
    # county's officers, a county's by a superuser), and only they are offered "add". The menu is
    # on every admin page: the question costs one query a request, and none for anyone holding no
    # officer's permissions.
    def has_add_permission(self, request):
        user = request.user
        if user.is_superuser:
            return True
        # Clerks read their town's quota only; they run their villages' selections.
        if not user.has_perm("titles.view_quota") or user.has_perm("titles.add_selection"):
            return False
        if not hasattr(request, "_xf_county_officer"):
            request._xf_county_officer = County.objects.filter(officers=user).exists()
        return request._xf_county_officer

    def has_change_permission(self, request, obj=None):
        return self.has_add_permission(request) and (obj is None or self._sets(request, obj))

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        return super().add_view(request, form_url, extra_context)

    def has_delete_permission(self, request, obj=None):
        return False

    def _sets(self, request, quota) -> bool:
        if request.user.is_superuser:
            return True
        return (
            quota.town is not None
            and quota.town.county is not None
            and quota.town.county.officers.filter(pk=request.user.pk).exists()
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "town" and not request.user.is_superuser:
            kwargs["queryset"] = Town.objects.filter(county__officers=request.user)
        if db_field.name == "county" and not request.user.is_superuser:
            kwargs["queryset"] = County.objects.none()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = quota_set(
            year=data["year"], places=data["places"], by=request.user, town=data.get("town"), county=data.get("county")
        )
        obj.pk = saved.pk
