"""The history of changes in the admin: read-only, each user reading only what is theirs.

django-auditlog registers its own admin for the log model; this one replaces it with the same
pages scoped like every other list: a clerk reads the changes of their villages, an officer those
of their towns' villages and the towns' own records, a superuser everything. Its filters offer only
the kinds of record and the villages with changes the reader may read.
"""

from auditlog.admin import LogEntryAdmin
from django.contrib import admin
from django.contrib.admin import RelatedOnlyFieldListFilter
from django.db.models import Q
from django.http import Http404

from history.models import Change
from households.selectors import villages_for

admin.site.unregister(Change)


@admin.register(Change)
class ChangeAdmin(LogEntryAdmin):
    list_select_related = ["content_type", "actor", "village"]
    list_display = ["created", "resource_url", "action", "msg_short", "user_url", "village"]
    # The kinds of record and the villages the reader's own changes touch, not every model and
    # village of the site: one DISTINCT over the reader's scope each, beside the page's own query.
    list_filter = [
        "action",
        ("content_type", RelatedOnlyFieldListFilter),
        ("village", RelatedOnlyFieldListFilter),
    ]
    readonly_fields = [*LogEntryAdmin.readonly_fields, "remote_addr", "village", "town"]
    fieldsets = [
        (None, {"fields": ["created", "user_url", "remote_addr", "resource_url", "village", "town"]}),
        *LogEntryAdmin.fieldsets[1:],
    ]

    def get_queryset(self, request):
        changes = super().get_queryset(request)
        if request.user.is_superuser:
            return changes
        villages = villages_for(request.user)
        return changes.filter(Q(village__in=villages) | Q(village__isnull=True, town__in=villages.values("town")))

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    def has_delete_permission(self, request, obj=None):
        return False
