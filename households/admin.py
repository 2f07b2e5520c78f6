"""The clerk's admin for towns, villages and households, every list scoped to the user's villages.

Reads start from `villages_for(user)`; changes also need the user to keep the household's village.
Opening a household writes its opening entry, so the add path and the ledger pages are added by
`credits.admin`, which extends `HouseholdAdmin` here: households must not import the ledger.
"""

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from households import services
from households.errors import NotYours
from households.models import Household, Town, Village
from households.selectors import household_search, households_for, villages_for


def writable_village_ids(request) -> set[int]:
    """The ids of the villages the requesting user keeps, looked up once per request."""
    if not hasattr(request, "_writable_village_ids"):
        ids = villages_for(request.user, write=True).values_list("pk", flat=True)
        request._writable_village_ids = set(ids)
    return request._writable_village_ids


def may_write(request, village_id: int) -> bool:
    return request.user.is_superuser or village_id in writable_village_ids(request)


class ScopedAdmin(admin.ModelAdmin):
    """An admin whose `get_queryset` is the user's scope; anything outside it is a plain 404."""

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            # Django would redirect to the index saying "perhaps it was deleted"; out of scope
            # must read exactly like missing, on every page.
            raise Http404
        return obj


class SuperuserKeptAdmin(ScopedAdmin):
    """Superusers keep towns and villages; clerks and officers may only look at their own."""

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Town)
class TownAdmin(SuperuserKeptAdmin):
    list_display = ("name",)
    search_fields = ("name",)
    filter_horizontal = ("officers",)

    def get_queryset(self, request):
        towns = super().get_queryset(request)
        if request.user.is_superuser:
            return towns
        return towns.filter(Q(pk__in=villages_for(request.user).values("town")) | Q(officers=request.user))


@admin.register(Village)
class VillageAdmin(SuperuserKeptAdmin):
    list_display = ("name", "code", "town")
    list_select_related = ("town",)
    search_fields = ("name", "code")
    filter_horizontal = ("clerks",)

    def get_queryset(self, request):
        return villages_for(request.user).select_related("town")


class VillageListFilter(admin.RelatedFieldListFilter):
    """The village filter, offering only the villages the user may read."""

    def field_choices(self, field, request, model_admin):
        return [(village.pk, str(village)) for village in villages_for(request.user)]


class GroupListFilter(admin.SimpleListFilter):
    """Groups (村民小组) found among the households the user may read, never anyone else's."""

    title = _("group / grid")
    parameter_name = "group"

    def lookups(self, request, model_admin):
        groups = (
            model_admin.get_queryset(request)
            .exclude(group="")
            .order_by("group")
            .values_list("group", flat=True)
            .distinct()
        )
        return [(group, group) for group in groups]

    def queryset(self, request, queryset):
        if self.value() is not None:
            return queryset.filter(group=self.value())
        return queryset


class HouseholdAdmin(ScopedAdmin):
    """Households of the user's villages; `credits.admin` adds opening and the ledger pages."""

    # The columns a clerk needs first come first: a phone shows only the first few.
    list_display = ("number", "head_name", "village", "score", "balance", "group", "active", "phone_masked")
    list_display_links = ("number", "head_name")
    list_filter = (("village", VillageListFilter), GroupListFilter, "active")
    list_select_related = ("village",)
    list_per_page = 100
    # `get_search_results` does the searching; the fields only switch the search box on.
    search_fields = ("number", "head_name", "head_initials")
    search_help_text = _("Household number, head's name, or pinyin initials (应美凤 → ymf).")
    fieldsets = (
        (None, {"fields": ("village", "number", "head_name", "group", "address", "phone")}),
        (_("Standing"), {"fields": ("score", "balance", "active", "closed_on", "head_initials", "created_at")}),
    )
    # The number and village are who the household is; score and balance belong to the ledger;
    # closing and reopening are actions with their own service.
    readonly_fields = ("village", "number", "score", "balance", "active", "closed_on", "head_initials", "created_at")
    actions = ["close_households", "reopen_households"]

    def get_queryset(self, request):
        return households_for(request.user).select_related("village")

    def get_list_display(self, request):
        columns = super().get_list_display(request)
        if villages_for(request.user)[:2].count() < 2:
            # One village: a column repeating its name only pushes the others off a small screen.
            columns = tuple(column for column in columns if column != "village")
        return columns

    def get_search_results(self, request, queryset, search_term):
        return household_search(queryset, search_term), False

    @admin.display(description=_("phone"))
    def phone_masked(self, household):
        return household.masked_phone

    def has_add_permission(self, request):
        # Opening a household writes its opening entry: `credits.admin` supplies that page.
        return False

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or may_write(request, obj.village_id))

    def has_delete_permission(self, request, obj=None):
        # A household's history stays for good; close it instead.
        return False

    def save_model(self, request, obj, form, change):
        # Only edits come here; the service keeps the pinyin initials in step with the name.
        data = form.cleaned_data
        services.household_update(
            household=obj,
            by=request.user,
            head_name=data["head_name"],
            group=data["group"],
            address=data["address"],
            phone=data["phone"],
        )

    @admin.action(description=_("Close the selected households"), permissions=["change"])
    def close_households(self, request, queryset):
        households = [household for household in queryset if household.active]
        if self._refused(request, households):
            return
        with transaction.atomic():
            for household in households:
                services.household_close(household=household, by=request.user)
        message = ngettext("%(count)d household was closed.", "%(count)d households were closed.", len(households))
        self.message_user(request, message % {"count": len(households)}, messages.SUCCESS)

    @admin.action(description=_("Reopen the selected households"), permissions=["change"])
    def reopen_households(self, request, queryset):
        households = [household for household in queryset if not household.active]
        if self._refused(request, households):
            return
        with transaction.atomic():
            for household in households:
                services.household_reopen(household=household, by=request.user)
        message = ngettext("%(count)d household was reopened.", "%(count)d households were reopened.", len(households))
        self.message_user(request, message % {"count": len(households)}, messages.SUCCESS)

    def _refused(self, request, households) -> bool:
        """Refuse the whole action, changing nothing, if any household is outside the user's care."""
        if all(may_write(request, household.village_id) for household in households):
            return False
        self.message_user(request, NotYours().message, messages.ERROR)
        return True


admin.site.register(Household, HouseholdAdmin)
