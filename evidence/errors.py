"""Refusals of an evidence file: what it is not, or how much too big it is."""

from django.utils.translation import gettext_lazy as _

from households.errors import DomainError


class EvidenceRefused(DomainError):
    """The family of refusals of an uploaded file; nothing was stored."""

    code = "evidence_refused"
    default_message = _("The file “%(name)s” was refused.")


class EvidenceWrongType(EvidenceRefused):
    code = "evidence_wrong_type"
    default_message = _(
        "“%(name)s” is not a photo or a document we can take: send a JPEG, PNG or HEIC photo, or a PDF."
    )


class EvidenceTooLarge(EvidenceRefused):
    code = "evidence_too_large"
    default_message = _("“%(name)s” is %(size)s; a file may be at most %(limit)s.")


class EvidenceTooManyPixels(EvidenceRefused):
    code = "evidence_too_many_pixels"
    default_message = _("“%(name)s” is %(width)s × %(height)s pixels; a photo may have at most %(limit)s million.")


class EvidenceEmpty(EvidenceRefused):
    code = "evidence_empty"
    default_message = _("“%(name)s” is empty.")


class EvidenceWrongHousehold(DomainError):
    code = "evidence_wrong_household"
    default_message = _("The entry belongs to another household than the evidence.")


class EvidenceOnFinalEntry(DomainError):
    code = "evidence_on_final_entry"
    default_message = _("Evidence of an entry in the ledger is kept with it and cannot be deleted.")
