"""The public pages' part of the village page in the admin: what the village's board shows.

`households.admin.VillageAdmin` knows nothing of the board (households must not import the apps
built on it), so the village's admin is extended here with the board settings inline.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from households.admin import VillageAdmin, VillageKeptInline
from households.models import Village
from public.models import BoardSettings

# The model's check constraints, said as form errors instead of an IntegrityError.
SIZE_LIMITS = {"red_list_size": (1, 50), "recent_days": (1, 90), "recent_size": (1, 50), "black_list_size": (1, 50)}


class BoardSettingsInline(VillageKeptInline, admin.StackedInline):
    """A village without settings shows the defaults here; its board uses them until saved."""

    model = BoardSettings
    can_delete = False
    # One form, always: shown with the defaults, saved with the village page.
    min_num = max_num = 1
    extra = 0
    fieldsets = (
        (_("Red list"), {"fields": ("show_red_list", "red_list_size", "mask_names")}),
        (
            _("Star households and recent awards"),
            {"fields": ("show_stars", "show_recent", "recent_days", "recent_size")},
        ),
        (
            _("List of deductions"),
            {
                "fields": ("show_black_list", "black_list_size"),
                "description": _("Deductions of the same recent days, newest first; shown only when switched on."),
            },
        ),
    )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in SIZE_LIMITS:
            kwargs["min_value"], kwargs["max_value"] = SIZE_LIMITS[db_field.name]
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class VillageBoardAdmin(VillageAdmin):
    inlines = [*VillageAdmin.inlines, BoardSettingsInline]


admin.site.unregister(Village)
admin.site.register(Village, VillageBoardAdmin)
