"""The clerk's admin for towns, villages and households, every list scoped to the user's villages.

Reads start from `villages_for(user)`; changes also need the user to keep the household's village.
Opening a household writes its opening entry, so the add path and the ledger pages are added by
`credits.admin`, which extends `HouseholdAdmin` here: households must not import the ledger.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import transaction
from django.db.models import BooleanField, Q, Value
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from households import services
from households.cards import MAX_CARDS_PER_PRINT, card_sheets, reachable_only_here
from households.errors import NotYours
from households.forms import StarLevelFormSet
from households.models import County, Household, StarLevel, Town, Village
from households.pin_admin import LookupPinAdmin
from households.selectors import (
    default_star_levels,
    group_order,
    household_match,
    household_search,
    households_for,
    may_see_full_phone,
    villages_for,
)


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


def person(user) -> str:
    """Who did something, as the village knows them: their name, or the username if none is set."""
    return user.get_full_name() or user.username


class HouseholdRowSearch(admin.ModelAdmin):
    """Search rows of a household (entries, redemptions) as households are searched: 4 finds 0004."""

    # `get_search_results` does the searching; the field only switches the search box on.
    search_fields = ("household__number",)
    search_help_text = _("Household number, head's name, or pinyin initials.")

    def get_search_results(self, request, queryset, search_term):
        return queryset.filter(household_match(search_term, path="household__")), False


class AppendOnlyAdmin(ScopedAdmin):
    """Rows that only services write and nothing edits (the ledger, the shop's books): read here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SuperuserKeptAdmin(ScopedAdmin):
    """Superusers keep towns and villages; clerks and officers may only look at their own."""

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(County)
class CountyAdmin(SuperuserKeptAdmin):
    list_display = ("name",)
    search_fields = ("name",)
    filter_horizontal = ("officers",)

    def get_queryset(self, request):
        counties = super().get_queryset(request)
        if request.user.is_superuser:
            return counties
        return counties.filter(
            Q(pk__in=villages_for(request.user).values("town__county")) | Q(officers=request.user)
        )


@admin.register(Town)
class TownAdmin(SuperuserKeptAdmin):
    list_display = ("name", "county")
    list_select_related = ("county",)
    search_fields = ("name",)
    filter_horizontal = ("officers",)

    def get_queryset(self, request):
        towns = super().get_queryset(request)
        if request.user.is_superuser:
            return towns
        return towns.filter(
            Q(pk__in=villages_for(request.user).values("town"))
            | Q(officers=request.user)
            | Q(county__officers=request.user)
        )


class VillageKeptInline:
    """An inline of the village page that the village's own clerks change (superusers too).

    The role's model permissions still apply (`super()`); this adds the village scope. Officers
    hold only the view permissions, so they read these inlines and change nothing.
    """

    def _keeps(self, request, village) -> bool:
        return request.user.is_superuser or (village is not None and may_write(request, village.pk))

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._keeps(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._keeps(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._keeps(request, obj)


class StarLevelInline(VillageKeptInline, admin.TabularInline):
    model = StarLevel
    formset = StarLevelFormSet
    template = "admin/households/village/star_levels_inline.html"
    fields = ("stars", "min_score")
    extra = 0
    max_num = 9

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # Shown above the table while the village has none of its own: what applies meanwhile.
        if obj is None or not obj.star_levels.exists():
            formset.default_levels = default_star_levels()
        return formset

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "stars":
            # The model's check constraint, said as a form error instead of an IntegrityError.
            kwargs.update(min_value=1, max_value=9)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(Village)
class VillageAdmin(SuperuserKeptAdmin):
    """Superusers keep villages; a village's clerks change only its inlines (star levels, board)."""

    list_display = ("name", "code", "town")
    list_select_related = ("town",)
    search_fields = ("name", "code")
    filter_horizontal = ("clerks",)
    inlines = [StarLevelInline]

    def get_queryset(self, request):
        return villages_for(request.user).select_related("town")

    def has_change_permission(self, request, obj=None):
        if request.user.is_superuser:
            return True
        if obj is None:
            return bool(writable_village_ids(request))
        return may_write(request, obj.pk)

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return ()
        # Who the village is and who keeps it is the superuser's to say.
        return ("code", "name", "town", "clerks")

    def save_model(self, request, obj, form, change):
        if request.user.is_superuser:
            super().save_model(request, obj, form, change)
        elif "earliest_deed_on" in form.changed_data:
            # A clerk's form holds one field of the village itself, besides its inlines.
            services.village_set_earliest_deed_on(
                village=obj, earliest_deed_on=form.cleaned_data["earliest_deed_on"], by=request.user
            )


class VillageListFilter(admin.RelatedFieldListFilter):
    """The village filter, offering only the villages the user may read."""

    def field_choices(self, field, request, model_admin):
        return [(village.pk, str(village)) for village in villages_for(request.user)]


class GroupListFilter(admin.SimpleListFilter):
    """Groups (村民小组) found among the households the user may read, never anyone else's."""

    title = _("group / grid")
    parameter_name = "group"

    def lookups(self, request, model_admin):
        groups = model_admin.get_queryset(request).exclude(group="").order_by().values_list("group", flat=True)
        return [(group, group) for group in sorted(set(groups.distinct()), key=group_order)]

    def queryset(self, request, queryset):
        if self.value() is not None:
            return queryset.filter(group=self.value())
        return queryset


class HouseholdAdmin(LookupPinAdmin, ScopedAdmin):
    """Households of the user's villages; `credits.admin` adds opening and the ledger pages."""

    # The columns a clerk needs first come first: a phone shows only the first few.
    list_display = ("number", "head_name", "village", "score", "balance", "group", "active", "phone_shown")
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
    actions = ["close_households", "reopen_households", "print_cards", "reissue_cards"]

    def get_queryset(self, request):
        full_phone = Value(may_see_full_phone(request.user), output_field=BooleanField())
        return households_for(request.user).select_related("village").annotate(full_phone=full_phone)

    def get_list_display(self, request):
        columns = super().get_list_display(request)
        if villages_for(request.user)[:2].count() < 2:
            # One village: a column repeating its name only pushes the others off a small screen.
            columns = tuple(column for column in columns if column != "village")
        return columns

    def get_search_results(self, request, queryset, search_term):
        return household_search(queryset, search_term), False

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or may_see_full_phone(request.user):
            return fieldsets
        # Whoever may not see the number in full reads it masked, and so cannot edit it either.
        return [
            (name, {**options, "fields": tuple("phone_shown" if f == "phone" else f for f in options["fields"])})
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "phone_shown")

    @admin.display(description=_("phone"))
    def phone_shown(self, household):
        # `full_phone` comes with the row from `get_queryset`, which knows who is asking.
        return household.phone if household.full_phone else household.masked_phone

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
            # Not on the form of whoever reads it masked: it stays as it was.
            phone=data.get("phone", obj.phone),
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

    @admin.action(description=_("Print cards for the selected households"), permissions=["view"])
    def print_cards(self, request, queryset):
        """A page of A4 sheets with the households' cards, ready to print; closed households need none.

        Printing is a read, so whoever may read a household may print its card, a town officer
        too: the card's link opens no more than the household's record this user already reads.
        The queryset is the user's scope, so a crafted id of another village's household drops out.
        """
        households = list(queryset.select_related("village").order_by("village__name", "village_id", "number"))
        printed = [household for household in households if household.active]
        if not printed:
            message = _("No open household was selected: there is no card to print.")
            self.message_user(request, message, messages.WARNING)
            return None
        if len(printed) > MAX_CARDS_PER_PRINT:
            message = _("Print at most %(max)d cards at a time, not %(count)d: filter the list by group first.")
            self.message_user(request, message % {"max": MAX_CARDS_PER_PRINT, "count": len(printed)}, messages.ERROR)
            return None
        context = {
            "sheets": card_sheets(request, printed),
            "count": len(printed),
            "closed": len(households) - len(printed),
            "local_host": request.get_host() if reachable_only_here(request) else "",
            "back_url": request.get_full_path(),
        }
        return TemplateResponse(request, "households/cards.html", context)

    @admin.action(description=_("Issue new cards for the selected households"), permissions=["change"])
    def reissue_cards(self, request, queryset):
        """Say what a new card does (the old one stops working), then, confirmed, issue one to each."""
        households = list(queryset.select_related("village").order_by("village__name", "village_id", "number"))
        if not households or self._refused(request, households):
            return None
        confirmed = request.POST.get("confirm") == "yes"
        # With "select all" the households are read again on confirming: if that is not the list
        # the clerk was shown, show it again rather than revoke cards of other households.
        changed = confirmed and request.POST.get("expected") != str(len(households))
        if not confirmed or changed:
            title = ngettext(
                "Issue a new card for %(count)d household", "Issue new cards for %(count)d households", len(households)
            )
            context = {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": title % {"count": len(households)},
                "households": households,
                "changed": changed,
                "select_across": request.POST.get("select_across") == "1",
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/households/household/reissue_cards.html", context)
        with transaction.atomic():
            for household in households:
                services.household_card_reissue(household=household, by=request.user)
            # Who revoked a card, and when: the household's history in the admin shows it.
            LogEntry.objects.log_actions(
                request.user.pk, households, CHANGE, change_message=[{"changed": {"fields": ["card code"]}}]
            )
        message = ngettext(
            "Issued a new card for %(count)d household; its old card no longer works. Print the new card now.",
            "Issued new cards for %(count)d households; their old cards no longer work. Print the new cards now.",
            len(households),
        )
        self.message_user(request, message % {"count": len(households)}, messages.SUCCESS)
        return None

    def _refused(self, request, households) -> bool:
        """Refuse the whole action, changing nothing, if any household is outside the user's care."""
        if all(may_write(request, household.village_id) for household in households):
            return False
        self.message_user(request, NotYours().message, messages.ERROR)
        return True


admin.site.register(Household, HouseholdAdmin)
