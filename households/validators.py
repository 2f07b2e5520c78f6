"""Text that people type in: names, notes and reasons hold no control characters.

A control character (a NUL, a vertical tab, a bell, a line break in a one-line field) cannot be
shown or printed, breaks the Excel exports, and a NUL cannot be stored by PostgreSQL at all. Every
form, admin page, API field and the roster import refuse them with this one validator. Its regex
is what the API's schema publishes as the fields' `pattern`.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# C0 and C1 controls, DEL, and the Unicode line and paragraph separators.
CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def control_character_in(text: str) -> str | None:
    """The first control character of `text` as U+XXXX, or None."""
    found = CONTROL_CHARACTER.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


@deconstructible
class PrintableValidator(RegexValidator):
    # One character or more: drf-spectacular publishes a blank field as this pattern or "" (oneOf).
    regex = r"^[^\x00-\x1f\x7f-\x9f\u2028\u2029]+$"
    message = _("Remove the control character %(character)s (an invisible character such as a tab or a line break).")
    code = "control_character"

    def __call__(self, value):
        character = control_character_in(str(value))
        if character:
            raise ValidationError(self.message, code=self.code, params={"character": character})


printable = PrintableValidator()
