"""Evidence in the admin: every file of the user's villages, read-only, each opening through the
view that checks who asks. A clerk deletes a file added by mistake, never one of an entry in the
ledger (`evidence_delete` refuses it; the admin does not offer it)."""

from django.contrib import admin, messages
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy

from evidence.models import Evidence
from evidence.services import evidence_delete
from households.admin import HouseholdRowSearch, ScopedAdmin, VillageListFilter, may_write, person
from households.errors import DomainError
from households.selectors import villages_for


@admin.register(Evidence)
class EvidenceAdmin(HouseholdRowSearch, ScopedAdmin):
    list_display = ("thumbnail", "original_name", "household", "entry", "size_shown", "uploader", "uploaded_at")
    list_display_links = ("original_name",)
    list_filter = ("content_type", ("household__village", VillageListFilter))
    list_select_related = ("household", "entry", "uploaded_by")
    show_full_result_count = False
    fields = (
        "thumbnail",
        "original_name",
        "household",
        "entry",
        "content_type",
        "size_shown",
        "uploader",
        "uploaded_at",
        "public_id",
    )
    readonly_fields = fields
    actions = None

    def get_queryset(self, request):
        return Evidence.objects.filter(household__village__in=villages_for(request.user)).select_related(
            "household", "entry", "uploaded_by"
        )

    def has_add_permission(self, request):
        return False  # evidence is added with the entry it documents, or on that entry's page

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or (obj.entry_id is None and may_write(request, obj.household.village_id))

    def delete_model(self, request, obj):
        try:
            evidence_delete(evidence=obj, by=request.user)
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)

    @admin.display(description=gettext_lazy("file"))
    def thumbnail(self, evidence):
        return render_to_string("evidence/_thumbnails.html", {"evidence": [evidence], "open_original": True})

    @admin.display(description=gettext_lazy("size"), ordering="size")
    def size_shown(self, evidence):
        return filesizeformat(evidence.size)

    @admin.display(description=gettext_lazy("uploaded by"), ordering="uploaded_by")
    def uploader(self, evidence):
        return person(evidence.uploaded_by) if evidence.uploaded_by else gettext_lazy("the household")
