"""The household list's import and export buttons (django-import-export), and the template sheet.

Importing needs the right to open households and a village in the user's care. The upload only
keeps the sheet and starts a background job (`credits.services.rosters`): the job's page shows a
progress bar while the worker checks the sheet whole (`credits.roster`), then what the import
will do, and applies it whole or not at all once the clerk confirms. Exporting is a read:
whoever reads the list may export what the list shows them, filters included, with phone
numbers masked unless they hold `households.view_full_phone`.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from import_export.admin import ImportMixin
from import_export.formats.base_formats import XLSX

from credits.models import RosterImport
from credits.roster import HouseholdImportResource, roster_template
from credits.services.rosters import roster_import_confirm, roster_import_start
from credits.sheet import RosterCSV
from households.admin import writable_village_ids
from households.exports import SheetExportMixin
from households.resources import HouseholdExportResource

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The job's page lists this many bad rows; a county's sheet may have thousands.
PROBLEMS_SHOWN = 500


class RosterAdminMixin(ImportMixin, SheetExportMixin):
    import_formats = [RosterCSV, XLSX]
    import_export_change_list_template = "admin/import_export/change_list_import_export.html"
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
            path("import/<int:job_id>/", view(self.import_job_view), name=f"{name}_import_job"),
            path("import/<int:job_id>/progress/", view(self.import_progress_view), name=f"{name}_import_progress"),
            path("import/<int:job_id>/confirm/", view(self.import_confirm_view), name=f"{name}_import_confirm"),
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

    def import_action(self, request, **kwargs):
        """The upload form; a valid upload is kept and checked in the background, on its own page."""
        if request.method == "POST" and self.has_import_permission(request):
            form = self.create_import_form(request)
            if form.is_valid():
                upload = form.cleaned_data["import_file"]
                job = roster_import_start(
                    by=request.user,
                    file_name=upload.name,
                    file_format=self.get_import_formats()[int(form.cleaned_data["format"])]().get_extension(),
                    content=b"".join(upload.chunks()),
                    language=translation.get_language(),
                )
                return redirect(self._job_url(job))
        return super().import_action(request, **kwargs)

    def process_import(self, request, **kwargs):
        # django-import-export's own confirmation; ours is `import_confirm_view`, through the job.
        raise Http404

    def import_job_view(self, request, job_id):
        job = self._job(request, job_id)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import households"),
            "opts": self.opts,
            "job": job,
            "progress_label": progress_label(job),
            "problems": job.problems[:PROBLEMS_SHOWN],
            "more_problems": max(len(job.problems) - PROBLEMS_SHOWN, 0),
        }
        return TemplateResponse(request, "admin/credits/household/import_job.html", context)

    def import_progress_view(self, request, job_id):
        job = self._job(request, job_id)
        return JsonResponse(
            {"state": job.state, "done": job.rows_done, "total": job.rows_total, "label": progress_label(job)}
        )

    def import_confirm_view(self, request, job_id):
        return require_POST(self._confirm)(request, job_id)

    def _confirm(self, request, job_id):
        roster_import_confirm(job=self._job(request, job_id), by=request.user)
        return redirect(self._job_url(self._job(request, job_id)))

    def _job(self, request, job_id) -> RosterImport:
        """The user's own import job; another's is a 404."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        return get_object_or_404(RosterImport.objects.defer("content"), pk=job_id, user=request.user)

    def _job_url(self, job) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import_job", args=[job.pk])


def progress_label(job: RosterImport) -> str:
    if job.state == RosterImport.State.APPLYING:
        return _("Saving the households: the whole sheet at once, so that nothing is half done…")
    if job.rows_total:
        return _("%(done)s of %(total)s rows checked…") % {"done": job.rows_done, "total": job.rows_total}
    return _("Waiting for the worker to start…")
