"""Reading a roster sheet as a village's own Excel wrote it.

Excel on Chinese Windows saves "CSV" in GBK (GB18030 is its superset) and "Unicode text" in
UTF-16 with tabs; newer versions offer "CSV UTF-8" with a byte-order mark. The encoding is read
from the byte-order mark, else tried as UTF-8, else detected (charset-normalizer) among the ones
Chinese Excel writes. Rows are read by Python's csv module rather than tablib's, which refuses a
whole sheet whose rows differ in length ("InvalidDimensions"): short rows are padded and a longer
row keeps its extra cells under a blank heading, where the roster names them by row.
"""

import codecs
import csv
import io

import charset_normalizer
import tablib
from django.utils.translation import gettext as _
from import_export.formats.base_formats import CSV

BYTE_ORDER_MARKS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# What Excel writes on Chinese Windows (GBK, within GB18030), on Taiwan's and Hong Kong's (Big5),
# and its "Unicode text" without a byte-order mark.
DETECTED = ["gb18030", "big5", "utf_16_le", "utf_16_be"]


class UnreadableSheet(ValueError):
    """A sheet that cannot be read at all; its message says why, in the user's language."""


def sheet_text(data: bytes) -> str:
    for mark, encoding in BYTE_ORDER_MARKS:
        if data.startswith(mark):
            return data.decode(encoding)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data, cp_isolation=DETECTED).best()
    if best is None:
        message = _("The file's characters cannot be read. In Excel, save it as “CSV UTF-8” or as a workbook (.xlsx).")
        raise UnreadableSheet(message)
    return str(best)


def sheet_rows(text: str) -> tablib.Dataset:
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    delimiter = "\t" if "\t" in first and "," not in first else ","
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    width = max((len(row) for row in rows), default=0)
    rows = [row + [""] * (width - len(row)) for row in rows]
    dataset = tablib.Dataset()
    if rows:
        dataset.headers = rows[0]
        dataset.extend(rows[1:])
    return dataset


class RosterCSV(CSV):
    """CSV in whichever encoding Chinese Excel wrote it, rows of any length."""

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, str):
            return sheet_rows(in_stream)
        return sheet_rows(sheet_text(in_stream))

    def get_read_mode(self):
        return "rb"

    def is_binary(self):
        # The bytes as uploaded: the admin would otherwise decode them as UTF-8 before we see them.
        return True
