"""Importing the household roster from a sheet (CSV, Excel), for django-import-export.

A village's own sheet has Chinese headings (户号, 户主, 村民小组, 住址, 电话); the English names are
accepted too, and the village code may be left out by a clerk who keeps one village. The whole
sheet is checked before any row is saved, in a fixed number of queries, and every bad row is
named with the reason; new households are opened by the ledger's `household_open_batch` (each
with its opening entry) and known ones updated by `household_update_batch`, never touching the
ledger. django-import-export runs it all in one transaction that a dry run (the preview) or any
bad row rolls back.
"""

import re
from collections import Counter

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import resources
from import_export.fields import Field
from import_export.formats.base_formats import XLSX

from credits.services import NewHousehold, household_open_batch
from credits.sheet import RosterCSV
from households.models import Household, Village, number_key
from households.selectors import villages_for
from households.services import household_update_batch
from households.validators import control_character_in

# The sheet's columns: the heading a template sheet carries first, then what else a village's
# own sheet may call it.
COLUMNS = {
    "village": ("村代码", "village", "village code", "村", "村编码", "村社区代码"),
    "number": ("户号", "number", "household number", "编号"),
    "head_name": ("户主", "head", "head_name", "head of household", "户主姓名", "姓名"),
    "group": ("村民小组", "group", "组别", "小组", "网格"),
    "address": ("住址", "address", "地址", "家庭住址"),
    "phone": ("电话", "phone", "联系电话", "手机", "手机号"),
    "opening": ("初始积分", "opening score", "opening", "基础分"),
}
HEADINGS = [names[0] for names in COLUMNS.values()]
REQUIRED = {"number", "head_name"}
# How far down a sheet its headings are looked for, below a title.
HEADING_SEARCH_ROWS = 5

# A mainland mobile (13812341234) or a landline with its area code (0573-86012345).
PHONE = re.compile(r"1[3-9]\d{9}|0\d{2,3}-?\d{7,8}")
MAX_OPENING = 100_000


def cell_text(value) -> str:
    """A cell as the clerk sees it: Excel's 13812341234.0 and 1.0 are 13812341234 and 1."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _renamed(headings) -> tuple[list[str], set[str]]:
    """The headings as the template names them, where known, and the columns' keys found."""
    aliases = {name.lower().replace(" ", ""): key for key, names in COLUMNS.items() for name in names}
    headers, keys = [], set()
    for heading in headings:
        key = aliases.get(cell_text(heading).lower().replace(" ", ""))
        if key and key not in keys:
            keys.add(key)
            headers.append(COLUMNS[key][0])
        else:
            headers.append(cell_text(heading))
    return headers, keys


def normal_phone(text: str) -> str:
    """Spaces and a +86 prefix dropped, as people write numbers down in many ways."""
    phone = re.sub(r"[\s()（）]", "", text)
    return re.sub(r"^(\+?86)(?=1\d{10}$)", "", phone)


class HouseholdImportResource(resources.ModelResource):
    """One row per household; the number within its village says whether it is new or known."""

    village = Field(attribute="village__code", column_name="村代码")
    number = Field(attribute="number", column_name="户号")
    head_name = Field(attribute="head_name", column_name="户主")
    group = Field(attribute="group", column_name="村民小组")
    address = Field(attribute="address", column_name="住址")
    phone = Field(attribute="phone", column_name="电话")
    opening = Field(attribute="opening_points", column_name="初始积分", readonly=True)

    class Meta:
        model = Household
        fields = ("village", "number", "head_name", "group", "address", "phone", "opening")
        import_id_fields = ("village", "number")
        use_transactions = True
        # Rows are saved together at the end, through the services, in a fixed number of queries.
        use_bulk = True
        batch_size = None
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = False

    def __init__(self, *, user=None, progress=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        # Called as progress(rows done, rows in all) after each row, by a background import.
        self.progress = progress
        self.preamble = 0

    @classmethod
    def get_display_name(cls):
        return _("Household roster")

    # --- checking the whole sheet first ---------------------------------------------------------

    def before_import(self, dataset, **kwargs):
        """Rename the headings, then check every row at once; `import_instance` reports each row's faults."""
        self.user = kwargs.get("user") or self.user
        self.row_errors: dict[int, list[str]] = {}
        self.existing: dict[tuple[int, str], Household] = {}
        self.villages: dict[str, Village] = {}
        keys = self._rename_headings(dataset)
        writable = list(villages_for(self.user, write=True))
        if "village" not in keys:
            if len(writable) != 1:
                self._refuse_sheet(
                    dataset, _("The sheet needs a column “村代码” (village code): you keep several villages.")
                )
            # A clerk of one village may leave the column out: every row is theirs.
            dataset.append_col([writable[0].code] * len(dataset), header="村代码")
        missing = [COLUMNS[key][0] for key in ("number", "head_name") if key not in keys]
        if missing:
            self._refuse_sheet(dataset, _("The sheet has no column %(columns)s.") % {"columns": "、".join(missing)})
        # The sheet's own rows, without its title and headings; `index` below is import-export's row number.
        # Cells under no heading: a stray comma in a CSV row pushes the row's last cells there.
        unheaded = [i for i, heading in enumerate(dataset.headers) if not heading]
        rows = [
            self._row_values(dict(zip(dataset.headers, values, strict=True)))
            | {"unheaded": [cell_text(values[i]) for i in unheaded if cell_text(values[i])]}
            for values in dataset
        ]
        rows = rows[self.preamble :]
        self.rows_done, self.rows_total = 0, len(dataset)
        codes = {row["village"] for row in rows if row["village"]}
        self.villages = {village.code: village for village in Village.objects.filter(code__in=codes)}
        writable_ids = {village.pk for village in writable}
        known = Household.objects.filter(
            village__in=[v for v in self.villages.values() if v.pk in writable_ids],
            number_key__in={number_key(row["number"]) for row in rows if row["number"]},
        ).select_related("village")
        # A known number, however padded in the sheet (4 for 0004), updates that household.
        self.existing = {(household.village_id, household.number_key): household for household in known}
        seen = Counter((row["village"], number_key(row["number"])) for row in rows if row["number"])
        first_line: dict[tuple[str, str], int] = {}
        for index, row in enumerate(rows, start=self.preamble + 1):
            errors = self._row_faults(row, writable_ids)
            key = (row["village"], number_key(row["number"]))
            if row["number"] and seen[key] > 1:
                if key in first_line:
                    message = _("Household number %(number)s appears twice in the sheet (also on line %(line)d).")
                    errors.append(message % {"number": row["number"], "line": first_line[key] + 1})
                else:
                    first_line[key] = index
            if errors:
                self.row_errors[index] = errors

    def _rename_headings(self, dataset) -> set[str]:
        """Headings in Chinese or English, any case and spacing, become the template's; returns the keys found.

        A village's own sheet often has a title (农丰村农户花名册) or a blank row above its headings:
        the first of the top rows that names both 户号 and 户主 is taken for the headings, and the
        rows above it and itself are passed over (`self.preamble` counts them).
        """
        self.preamble = 0
        headers, keys = _renamed(dataset.headers or [])
        if not REQUIRED <= keys:
            for index, values in enumerate(dataset[:HEADING_SEARCH_ROWS], start=1):
                found_headers, found_keys = _renamed(values)
                if REQUIRED <= found_keys:
                    headers, keys, self.preamble = found_headers, found_keys, index
                    break
        dataset.headers = headers
        return keys

    def _refuse_sheet(self, dataset, message: str):
        # No row of a sheet without the columns it needs is looked at.
        del dataset[0 : len(dataset)]
        raise ValueError(message)

    @staticmethod
    def _row_values(row: dict) -> dict:
        return {key: cell_text(row.get(names[0])) for key, names in COLUMNS.items()}

    def _row_faults(self, row: dict, writable_ids: set[int]) -> list[str]:
        errors = []
        if row["unheaded"]:
            message = _(
                "The row has more cells than the sheet has headings (“%(cells)s” has none above it): "
                "probably a stray comma has pushed the cells after it one column to the right."
            )
            errors.append(message % {"cells": "”, “".join(row["unheaded"])})
        for key, names in COLUMNS.items():
            if character := control_character_in(row[key]):
                message = _("The cell under “%(column)s” holds the invisible control character %(character)s.")
                errors.append(message % {"column": names[0], "character": character})
        village = self.villages.get(row["village"])
        if not row["village"]:
            errors.append(_("The village code is missing."))
        elif village is None:
            errors.append(_("Unknown village code “%(code)s”.") % {"code": row["village"]})
        elif village.pk not in writable_ids:
            errors.append(_("Village %(village)s is not in your care.") % {"village": village.name})
        if not row["number"]:
            errors.append(_("The household number is missing."))
        elif len(row["number"]) > 20:
            errors.append(_("The household number is longer than 20 characters."))
        if not row["head_name"]:
            errors.append(_("The head of household's name is missing."))
        elif len(row["head_name"]) > 50:
            errors.append(_("The head of household's name is longer than 50 characters."))
        if row["phone"] and not PHONE.fullmatch(normal_phone(row["phone"])):
            message = _("Phone number “%(phone)s” is not a mobile (11 digits) or a landline with its area code.")
            errors.append(message % {"phone": row["phone"]})
        if len(row["group"]) > 50 or len(row["address"]) > 200:
            errors.append(_("The group is longer than 50 characters or the address longer than 200."))
        if row["opening"]:
            try:
                opening = int(row["opening"])
            except ValueError:
                opening = None
            if opening is None or not 0 <= opening <= MAX_OPENING:
                message = _("The opening score “%(score)s” is not a whole number from 0 to %(max)d.")
                errors.append(message % {"score": row["opening"], "max": MAX_OPENING})
        return errors

    # --- each row -------------------------------------------------------------------------------

    def get_instance(self, instance_loader, row):
        values = self._row_values(row)
        village = self.villages.get(values["village"])
        return village and self.existing.get((village.pk, number_key(values["number"])))

    def import_row(self, row, instance_loader, **kwargs):
        row_result = super().import_row(row, instance_loader, **kwargs)
        self.rows_done += 1
        if self.progress:
            self.progress(self.rows_done, self.rows_total)
        return row_result

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if getattr(instance, "is_sheet_heading", False):
            return True
        return super().skip_row(instance, original, row, import_validation_errors)

    def init_instance(self, row=None):
        return Household()

    def import_instance(self, instance, row, **kwargs):
        if kwargs.get("row_number", 0) <= self.preamble:
            instance.is_sheet_heading = True  # the sheet's title or headings: passed over by `skip_row`
            return
        errors = self.row_errors.get(kwargs.get("row_number"))
        if errors:
            raise ValidationError(errors)
        values = self._row_values(row)
        if instance.pk is None:
            instance.village = self.villages[values["village"]]
            instance.number = values["number"]
            # An update never rewrites the ledger: the opening score counts only for a new household.
            instance.opening_points = int(values["opening"]) if values["opening"] else None
        instance.head_name = values["head_name"]
        instance.group = values["group"]
        instance.address = values["address"]
        instance.phone = normal_phone(values["phone"])

    # --- saving through the services ----------------------------------------------------------------

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if not self.create_instances or not (using_transactions or not dry_run):
            return
        try:
            household_open_batch(
                households=[
                    NewHousehold(
                        village=h.village,
                        number=h.number,
                        head_name=h.head_name,
                        group=h.group,
                        address=h.address,
                        phone=h.phone,
                        opening_points=h.opening_points,
                    )
                    for h in self.create_instances
                ],
                by=self.user,
            )
        except Exception as error:
            self.handle_import_error(result, error, raise_errors)
        finally:
            self.create_instances.clear()

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if not self.update_instances or not (using_transactions or not dry_run):
            return
        try:
            household_update_batch(households=list(self.update_instances), by=self.user)
        except Exception as error:
            self.handle_import_error(result, error, raise_errors)
        finally:
            self.update_instances.clear()

    def bulk_delete(self, using_transactions, dry_run, raise_errors, result=None):
        self.delete_instances.clear()  # an import never deletes a household

    def for_delete(self, row, instance):
        return False


def read_sheet(content: bytes, file_format: str):
    """The rows of an uploaded sheet (a tablib Dataset): CSV in any encoding Chinese Excel writes, or .xlsx."""
    return (RosterCSV() if file_format == "csv" else XLSX()).create_dataset(content)


def roster_template(file_format: str) -> bytes | str:
    """An empty sheet with the expected headings; in .xlsx the number and phone columns are text,
    so that Excel keeps the leading zeros of 0001 and 0573-…."""
    if file_format == "csv":
        # A byte-order mark, so that Excel opens the Chinese headings as UTF-8.
        return "\ufeff" + ",".join(HEADINGS) + "\r\n"
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "户籍名册"
    sheet.append(HEADINGS)
    for column, heading in enumerate(HEADINGS, start=1):
        letter = sheet.cell(row=1, column=column).column_letter
        sheet.cell(row=1, column=column).font = Font(bold=True)
        sheet.column_dimensions[letter].width = 24 if heading == "住址" else 14
        if heading in ("村代码", "户号", "电话"):
            for row in range(2, 3002):
                sheet.cell(row=row, column=column).number_format = "@"
    notes = book.create_sheet("说明")
    for line in TEMPLATE_NOTES:
        notes.append([str(line)])
    notes.column_dimensions["A"].width = 100
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


TEMPLATE_NOTES = [
    gettext_lazy("One row per household. Required: 户号 (household number) and 户主 (head of household)."),
    gettext_lazy("村代码: the village's code (e.g. nongfeng); a clerk of one village may leave it empty."),
    gettext_lazy("电话: a mobile of 11 digits or a landline with its area code, e.g. 0573-86012345."),
    gettext_lazy("初始积分: the opening score of a new household; empty means the base score."),
    gettext_lazy("A household number already in the village updates that household; its points never change."),
]
