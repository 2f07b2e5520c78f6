"""Evidence: a photo or a document kept with a household's entry, or with a case on its way there.

Design overview. An `Evidence` row is one uploaded file, checked and cleaned by
`evidence.services.evidence_add`: its real type read from its content, photos re-encoded without
their metadata (the phone's GPS position above all) and given a reduced copy for display. The files
live in a Django storage (`XIANGFENG_EVIDENCE_STORAGE`, the local media folder by default) under
random names, and are only ever served by `evidence.views`, which checks who asks; the URL carries
the row's random `public_id`, never its number or the stored name. The household is kept on the row
for scope; the entry is set when the file documents one (a case's evidence gets its entry when the
case becomes final). Evidence is never edited, and once its entry is in the ledger it is never
deleted either: it is part of why those points were given or taken.
"""

import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from credits.models import Entry
from households.models import Household


def evidence_storage():
    """The storage evidence files are kept in: a `STORAGES` alias from the settings, so a county
    points it at an S3-compatible store (django-storages) without touching the code."""
    return storages[settings.XIANGFENG_EVIDENCE_STORAGE]


class Evidence(models.Model):
    class ContentType(models.TextChoices):
        JPEG = "image/jpeg", _("JPEG photo")
        PNG = "image/png", _("PNG image")
        PDF = "application/pdf", _("PDF document")

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="evidence", verbose_name=_("household")
    )
    entry = models.ForeignKey(
        Entry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("entry"),
    )
    # The file as kept: a photo re-encoded without its metadata, a PDF as it came.
    file = models.FileField(_("file"), storage=evidence_storage, max_length=200, editable=False)
    # A photo's reduced copy for pages; empty for a document.
    display = models.FileField(_("display copy"), storage=evidence_storage, max_length=200, blank=True, editable=False)
    content_type = models.CharField(_("content type"), max_length=40, choices=ContentType.choices, editable=False)
    size = models.PositiveIntegerField(_("size in bytes"), editable=False)
    original_name = models.CharField(_("original file name"), max_length=200, editable=False)
    # Empty for a villager's own upload from the lookup page (an objection's photos).
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
        editable=False,
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(content_type__in=["image/jpeg", "image/png", "application/pdf"]),
                name="evidence_known_content_type",
            ),
            models.CheckConstraint(
                condition=models.Q(content_type="application/pdf", display="")
                | (models.Q(content_type__startswith="image/") & ~models.Q(display="")),
                name="evidence_display_copy_for_images",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        """The display copy (a document itself), through the view that checks who asks."""
        return reverse("evidence", args=[self.public_id])

    @property
    def original_url(self) -> str:
        return reverse("evidence_original", args=[self.public_id])

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
