"""Each village's notice and approval settings, kept by its clerks; who reviews is the superuser's to say."""

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy

from cases.models import ProcessSettings
from cases.selectors import reviewer_village_ids
from households.admin import ScopedAdmin, may_write, writable_village_ids
from households.models import Village
from households.selectors import villages_for


@admin.register(ProcessSettings)
class ProcessSettingsAdmin(ScopedAdmin):
    """Each village's notice and approval settings; a village without a row follows the defaults.

    A village's clerks add and change its row; who reviews it, like who keeps it, is the
    superuser's to say. Officers and reviewers read.
    """

    list_display = (
        "village",
        "notice_deductions",
        "notice_days",
        "approval_threshold",
        "approve_adjustments",
        "board_days",
        "board_shows_pending",
    )
    list_select_related = ("village",)
    filter_horizontal = ("reviewers",)
    fieldsets = (
        (None, {"fields": ("village",)}),
        (
            gettext_lazy("Notice period"),
            {"fields": ("notice_deductions", "notice_negative_adjustments", "notice_days")},
        ),
        (gettext_lazy("Second pair of eyes"), {"fields": ("approval_threshold", "approve_adjustments", "reviewers")}),
        (gettext_lazy("Deductions on the board"), {"fields": ("board_days", "board_shows_pending")}),
    )
    LIMITS = {"notice_days": (1, 60), "board_days": (1, 365), "approval_threshold": (1, 10_000)}

    def get_queryset(self, request):
        user = request.user
        return ProcessSettings.objects.filter(
            Q(village__in=villages_for(user)) | Q(village_id__in=reviewer_village_ids(user))
        ).select_related("village")

    def has_add_permission(self, request):
        # Asked on every admin page (the sidebar's "Add"): the villages in the user's care are
        # known by then, and one row tells whether any still lacks its settings.
        if not super().has_add_permission(request):
            return False
        villages = Village.objects.all()
        if not request.user.is_superuser:
            villages = villages.filter(pk__in=writable_village_ids(request))
        return villages.filter(process_settings__isnull=True).exists()

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or may_write(request, obj.village_id)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        readonly = () if obj is None else ("village",)
        # Who reviews a village, like who keeps it, is the superuser's to say.
        return readonly if request.user.is_superuser else (*readonly, "reviewers")

    def _villages_without_settings(self, request):
        return villages_for(request.user, write=True).exclude(process_settings__isnull=False)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "village":
            kwargs["queryset"] = self._villages_without_settings(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in self.LIMITS:
            kwargs["min_value"], kwargs["max_value"] = self.LIMITS[db_field.name]
        return super().formfield_for_dbfield(db_field, request, **kwargs)
