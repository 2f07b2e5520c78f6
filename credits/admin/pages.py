"""Rendering the ledger's own admin pages inside the admin's frame (header, sidebar, breadcrumbs)."""

from django.contrib.admin import helpers
from django.template.response import TemplateResponse


def admin_page(model_admin, request, template: str, **context) -> TemplateResponse:
    """A page of `model_admin` with the context every admin template expects."""
    return TemplateResponse(
        request,
        template,
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.opts,
            "app_label": model_admin.opts.app_label,
            **context,
        },
    )


def form_page(model_admin, request, *, form, title: str, submit_label: str, **context) -> TemplateResponse:
    """A one-form page laid out like the admin's change form, its fields in one fieldset."""
    adminform = helpers.AdminForm(form, [(None, {"fields": list(form.fields)})], {})
    return admin_page(
        model_admin,
        request,
        "admin/credits/form_page.html",
        title=title,
        adminform=adminform,
        form=form,
        media=model_admin.media + form.media,
        submit_label=submit_label,
        **context,
    )
