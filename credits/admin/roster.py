"""The household list's import and export buttons (django-import-export), and the template sheet.

Importing needs the right to open households and a village in the user's care; the sheet is
checked whole (`credits.roster`), previewed, and applied whole or not at all. Exporting is a
read: whoever reads the list may export what the list shows them, filters included, with phone
numbers masked unless they hold `households.view_full_phone`.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from import_export.admin import ImportMixin
from import_export.formats.base_formats import CSV, XLSX

from credits.roster import HouseholdImportResource, roster_template
from households.admin import writable_village_ids
from households.exports import SheetExportMixin
from households.resources import HouseholdExportResource

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class RosterAdminMixin(ImportMixin, SheetExportMixin):
    import_formats = [CSV, XLSX]
    import_export_change_list_template = "admin/import_export/change_list_import_export.html"
    # The reasons only; a traceback means nothing to a clerk.
    import_error_display = ("message",)

    import_template_name = "admin/credits/household/import.html"

    def get_import_resource_classes(self, request):
        return [HouseholdImportResource]

    def get_export_resource_classes(self, request):
        return [HouseholdExportResource]

    def has_import_permission(self, request):
        return request.user.has_perm("households.add_household") and (
            request.user.is_superuser or bool(writable_village_ids(request))
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("import/template.<str:extension>", view(self.template_view), name=f"{name}_import_template"),
            *super().get_urls(),
        ]

    def template_view(self, request, extension):
        """The empty sheet with the expected headings, for a clerk to fill in."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        if extension not in ("xlsx", "csv"):
            raise Http404
        content_type = XLSX_TYPE if extension == "xlsx" else "text/csv; charset=utf-8"
        response = HttpResponse(roster_template(extension), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="household-roster-template.{extension}"'
        return response

    def get_import_data_kwargs(self, **kwargs):
        # The confirmed import reads the file again: anything that went wrong since the preview
        # (another clerk took a number meanwhile) must undo the whole import, not skip the row.
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs.pop("request", None)
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            context = {
                **self.admin_site.each_context(request),
                "title": _("Import households"),
                "opts": self.opts,
                "result": result,
                "form": self.get_import_form_class(request)(
                    self.get_import_formats(), self.get_import_resource_classes(request)
                ),
                "import_error_display": self.import_error_display,
            }
            return TemplateResponse(request, [self.import_template_name], context)
        return super().process_result(result, request)
