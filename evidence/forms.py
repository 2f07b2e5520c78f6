"""The file fields through which staff add evidence: a phone's camera, or files chosen.

Each file is checked (`evidence.files.check_upload`) when the form is validated, so a wrong or
too large file is a field error naming it, before anything is recorded or stored; the page then
passes the checked files to `evidence.services.evidence_add`.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from evidence.errors import EvidenceRefused
from evidence.files import CheckedFile, check_upload, max_bytes

# Files one form takes at once; more is a slip (or a phone's whole gallery).
MAX_FILES = 10
ACCEPT = "image/*,application/pdf"


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class EvidenceFilesField(forms.FileField):
    """Any number of files (up to `MAX_FILES`), each checked; cleans to a list of `CheckedFile`."""

    def __init__(self, *, camera: bool = False, **kwargs):
        attrs = {"accept": ACCEPT, "multiple": True}
        if camera:
            # A phone opens its back camera at once.
            attrs["capture"] = "environment"
        kwargs.setdefault("required", False)
        super().__init__(widget=MultipleFileInput(attrs=attrs), **kwargs)

    def clean(self, data, initial=None):
        uploads = [upload for upload in (data if isinstance(data, list | tuple) else [data]) if upload]
        if not uploads:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(uploads) > MAX_FILES:
            raise ValidationError(too_many_files(len(uploads)), code="too_many_files")
        checked, errors = [], []
        for upload in uploads:
            try:
                checked.append(check_upload(upload))
            except EvidenceRefused as refused:
                errors.append(ValidationError(refused.message, code=refused.code))
        if errors:
            raise ValidationError(errors)
        return checked


def too_many_files(count: int) -> str:
    message = ngettext_lazy(
        "%(count)d file was chosen; at most %(most)d may be added at once.",
        "%(count)d files were chosen; at most %(most)d may be added at once.",
        count,
    )
    return message % {"count": count, "most": MAX_FILES}


class EvidenceFieldsMixin(forms.Form):
    """Two ways to add photos and documents to a form: the camera, or files already on the device."""

    photos = EvidenceFilesField(
        camera=True,
        label=capfirst(_("take photos")),
        help_text=_("On a phone this opens the camera."),
    )
    files = EvidenceFilesField(label=capfirst(_("or choose files")))
    evidence_fields = ("photos", "files")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Said in the language of the request, with the limits in force.
        message = _("Photos (JPEG, PNG, HEIC) or PDF documents: at most %(count)d files, each up to %(size)s.")
        self.fields["files"].help_text = message % {"count": MAX_FILES, "size": filesizeformat(max_bytes())}

    def clean(self):
        cleaned = super().clean()
        if len(self.evidence()) > MAX_FILES:
            raise ValidationError(too_many_files(len(self.evidence())), code="too_many_files")
        return cleaned

    def evidence(self) -> list[CheckedFile]:
        return [*self.cleaned_data.get("photos", []), *self.cleaned_data.get("files", [])]

    def without_evidence(self) -> dict:
        """The cleaned fields other than the files, as the ledger's service takes them."""
        return {name: value for name, value in self.cleaned_data.items() if name not in self.evidence_fields}


class EvidenceForm(EvidenceFieldsMixin):
    """Evidence alone, added to an entry already in the ledger."""

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.evidence():
            raise ValidationError(_("Choose at least one photo or document."), code="required")
        return cleaned

