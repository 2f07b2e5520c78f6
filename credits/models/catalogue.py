"""Each village's own catalogue of rules (its 村规民约), adopted in dated versions.

A `Catalogue` belongs to one village, or is a template that a town (or, with neither, the site)
hands out. Its rules live in `CatalogueVersion`s: a version is a draft while the clerks prepare it,
then adopted at a meeting on a date and in force from a chosen date until the next adopted
version's. Domains and rules belong to one version; copying a version copies them with their
`key`, so the same rule can be followed from version to version whatever its name becomes. An
adopted version is never edited: a change is a new draft, adopted in its turn.
"""

import secrets
from pathlib import PurePath

from django.db import models
from django.utils.translation import gettext_lazy as _

from households.models import Town, Village
from households.validators import printable


def new_key() -> str:
    """A rule's or a domain's identity across the versions of its catalogue."""
    return secrets.token_hex(6)


# What a scan of the minutes may be, by the suffix its stored name is given from its content.
MINUTES_TYPES = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".png": "image/png"}


def minutes_path(version, filename: str) -> str:
    """An unguessable name: the minutes are served only by a view that checks who asks, and the
    storage's own address for the file must lead nowhere even if it leaks."""
    return f"minutes/{secrets.token_urlsafe(24)}{PurePath(filename).suffix.lower()}"


class Catalogue(models.Model):
    village = models.OneToOneField(
        Village,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="catalogue",
        verbose_name=_("village"),
    )
    town = models.ForeignKey(
        Town,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="catalogue_templates",
        verbose_name=_("town"),
        help_text=_("For a town's template; empty for a village's own catalogue or the site's template."),
    )
    name = models.CharField(_("name"), max_length=80, validators=[printable])

    class Meta:
        verbose_name = _("catalogue")
        verbose_name_plural = _("catalogues")
        ordering = ["village__name", "town__name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(village__isnull=True) | models.Q(town__isnull=True), name="catalogue_one_owner"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_template(self) -> bool:
        return self.village_id is None


class CatalogueVersion(models.Model):
    catalogue = models.ForeignKey(
        Catalogue, on_delete=models.PROTECT, related_name="versions", verbose_name=_("catalogue")
    )
    number = models.PositiveSmallIntegerField(_("version"))
    based_on = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("based on"),
        help_text=_("The version (of this catalogue or a template) this one started as a copy of."),
    )
    meeting = models.CharField(
        _("adopted by"),
        max_length=100,
        blank=True,
        validators=[printable],
        help_text=_("The meeting that adopted it, e.g. 村民代表大会."),
    )
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    effective_from = models.DateField(_("in force from"), null=True, blank=True)
    minutes = models.FileField(
        _("minutes"),
        upload_to=minutes_path,
        max_length=100,
        blank=True,
        editable=False,
        help_text=_("The scanned minutes of the meeting that adopted it."),
    )

    class Meta:
        verbose_name = _("catalogue version")
        verbose_name_plural = _("catalogue versions")
        ordering = ["catalogue", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["catalogue", "number"], name="catalogue_version_unique"),
            models.CheckConstraint(
                condition=models.Q(adopted_on__isnull=True, effective_from__isnull=True)
                | models.Q(adopted_on__isnull=False, effective_from__isnull=False),
                name="catalogue_version_adopted_has_dates",
            ),
        ]
        indexes = [models.Index(fields=["catalogue", "effective_from"], name="catalogue_version_force_idx")]

    def __str__(self) -> str:
        return f"{self.catalogue} v{self.number}"

    @property
    def adopted(self) -> bool:
        return self.adopted_on is not None


class Domain(models.Model):
    version = models.ForeignKey(
        CatalogueVersion, on_delete=models.PROTECT, related_name="domains", verbose_name=_("catalogue version")
    )
    key = models.CharField(_("key"), max_length=20, default=new_key, editable=False)
    name = models.CharField(_("name"), max_length=50, validators=[printable])
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    description = models.CharField(_("description"), max_length=200, blank=True, validators=[printable])

    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")
        ordering = ["version", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="domain_key_unique_in_version"),
            models.UniqueConstraint(fields=["version", "name"], name="domain_name_unique_in_version"),
        ]

    def __str__(self) -> str:
        return self.name


class Rule(models.Model):
    # The domain's version, copied so a rule's key is unique in its version in the database.
    version = models.ForeignKey(
        CatalogueVersion, on_delete=models.PROTECT, related_name="rules", verbose_name=_("catalogue version")
    )
    key = models.CharField(_("key"), max_length=20, default=new_key, editable=False)
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="rules", verbose_name=_("domain"))
    name = models.CharField(_("name"), max_length=50, validators=[printable])
    points = models.IntegerField(
        _("points per occurrence"),
        help_text=_("Positive for an award, negative for a deduction, e.g. 2 or -5."),
    )
    cap_per_year = models.PositiveSmallIntegerField(
        _("times per household per year"),
        null=True,
        blank=True,
        help_text=_("Leave empty for no limit."),
    )
    cap_per_month = models.PositiveSmallIntegerField(
        _("times per household per month"),
        null=True,
        blank=True,
        help_text=_("Leave empty for no limit."),
    )
    description = models.CharField(_("standard"), max_length=200, blank=True, validators=[printable])
    active = models.BooleanField(_("active"), default=True, help_text=_("Retired rules stay in past entries."))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("rule")
        verbose_name_plural = _("rules")
        ordering = ["domain__position", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(points=0), name="rule_points_nonzero"),
            models.CheckConstraint(
                condition=models.Q(cap_per_year__isnull=True) | models.Q(cap_per_year__gte=1),
                name="rule_cap_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(cap_per_month__isnull=True) | models.Q(cap_per_month__gte=1),
                name="rule_month_cap_positive",
            ),
            models.UniqueConstraint(fields=["domain", "name"], name="rule_name_unique_in_domain"),
            models.UniqueConstraint(fields=["version", "key"], name="rule_key_unique_in_version"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.points:+d})"
