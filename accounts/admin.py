"""Attempt guards in the admin, for superusers only: deleting one lifts its lock at once."""

from django.contrib import admin

from accounts.models import Guard


@admin.register(Guard)
class GuardAdmin(admin.ModelAdmin):
    list_display = ["key", "failures", "window_started", "locked_until", "strikes"]
    search_fields = ["key"]
    readonly_fields = ["key", "failures", "window_started", "locked_until", "strikes", "next_pass"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
