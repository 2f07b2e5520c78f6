"""Export buttons for the scoped admins (django-import-export): CSV and Excel, what the list shows.

Exporting is a read: whoever may read a list may export it, its filters and search applied,
within the same scope as the list itself (`get_queryset`). The resources receive the user, so
they can mask what the user may not see in full.

Every text cell goes through `sheet_text`, so that what a villager's name or a clerk's note says
is shown, never run: a cell that a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, or a
tab or carriage return first) gets a leading apostrophe, and control characters, which Excel
cannot store, become U+FFFD. django-import-export's own `IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT`
only drops a leading `=` and turns every number into text, so it is left off. Numbers stay
numbers (`NumberField`): the points −5 are a number in the sheet, not text.
"""

import re

from django.utils import timezone
from django.utils.translation import gettext_noop
from import_export import resources, widgets
from import_export.admin import ExportMixin
from import_export.fields import Field
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import SelectableFieldsExportForm

from config.replica import reads_from_replica

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# What an .xlsx cell cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE), and DEL.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def sheet_text(value):
    """A text cell safe to open in a spreadsheet; other values as they are."""
    if not isinstance(value, str):
        return value
    value = CONTROL_CHARACTERS.sub("\N{REPLACEMENT CHARACTER}", value)
    return "'" + value if value.startswith(FORMULA_START) else value


class NumberField(Field):
    """A whole number: a number cell in Excel (negative ones too), plain digits in CSV."""

    def __init__(self, **kwargs):
        super().__init__(widget=widgets.IntegerWidget(coerce_to_string=False), **kwargs)


class SheetResource(resources.ModelResource):
    """The base of every export: each cell passes `sheet_text` on its way out."""

    def __init__(self, *, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user

    def export_field(self, field, instance, **kwargs):
        return sheet_text(super().export_field(field, instance, **kwargs))


# Words of django-import-export's pages that its own Chinese catalogue leaves untranslated: named
# here so that ours carries them (a project's catalogue comes before an app's).
IMPORT_EXPORT_WORDS = (
    gettext_noop("Select all"),
    gettext_noop("Resource"),
    gettext_noop("Home"),
    gettext_noop('Select at least 1 field for "%(resource_name)s" to export'),
    gettext_noop("Value could not be parsed."),
)


class SheetExportForm(SelectableFieldsExportForm):
    """Each column's checkbox is labelled with the column's heading in the sheet, in the user's
    language, not with its Python name and the heading in brackets ("Village (村代码)")."""

    def _get_field_label(self, resource, field_name: str) -> str:
        field = resource.fields.get(field_name)
        return str(field.column_name) if field else field_name


class SheetExportMixin(ExportMixin):
    formats = [CSV, XLSX]
    export_formats = [CSV, XLSX]
    export_form_class = SheetExportForm

    @reads_from_replica
    def export_action(self, request):
        # An export may be a moment behind: with a standby configured, it reads there.
        return super().export_action(request)

    def get_resource_kwargs(self, request, *args, **kwargs):
        return {"user": request.user}

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_export_filename(self, request, queryset, file_format):
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return f"{self.opts.model_name}-{stamp}.{file_format.get_extension()}"
