"""Export buttons for the scoped admins (django-import-export): CSV and Excel, what the list shows.

Exporting is a read: whoever may read a list may export it, its filters and search applied,
within the same scope as the list itself (`get_queryset`). The resources receive the user, so
they can mask what the user may not see in full.
"""

from django.utils import timezone
from import_export.admin import ExportMixin
from import_export.formats.base_formats import CSV, XLSX


class SheetExportMixin(ExportMixin):
    formats = [CSV, XLSX]
    export_formats = [CSV, XLSX]

    def get_resource_kwargs(self, request, *args, **kwargs):
        return {"user": request.user}

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_export_filename(self, request, queryset, file_format):
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return f"{self.opts.model_name}-{stamp}.{file_format.get_extension()}"
