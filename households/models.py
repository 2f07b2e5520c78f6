"""Towns, villages and households: who the ledger is about, and who may look after them.

A household is the unit of the scheme. Its `score` and `balance` are a cache of the sums of its
ledger entries (see `credits.models`); only the ledger's services change them. Staff are scoped
through plain many-to-many assignments: a clerk to villages, an officer to towns, a county officer
to a county (and so to every town and village in it).
"""

import re
import secrets
import unicodedata

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from households.validators import printable


class County(models.Model):
    """A county (县/区) above its towns: its officers read every town and village in it and select
    the county-level star households (县级星级文明户)."""

    name = models.CharField(_("name"), max_length=50, unique=True, validators=[printable])
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="officer_of_counties",
        verbose_name=_("county officers"),
        help_text=_("County officers who may read every town and village of this county."),
    )

    class Meta:
        verbose_name = _("county")
        verbose_name_plural = _("counties")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Town(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True, validators=[printable])
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="towns",
        verbose_name=_("county"),
    )
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="officer_of_towns",
        verbose_name=_("officers"),
        help_text=_("Town officers who may read every village of this town."),
    )

    class Meta:
        verbose_name = _("town")
        verbose_name_plural = _("towns")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Village(models.Model):
    code = models.SlugField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("Short Latin code used in links, e.g. nongfeng."),
    )
    name = models.CharField(_("name"), max_length=50, validators=[printable])
    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="villages", verbose_name=_("town"))
    earliest_deed_on = models.DateField(
        _("earliest date of a deed"),
        null=True,
        blank=True,
        help_text=_("Nothing may be recorded as having happened before this date, e.g. when the scheme began."),
    )
    # The latest year the village has closed (years.services.year_close): nothing may be dated in
    # it or before it. Kept here, beneath the ledger, so the ledger's services can refuse such a
    # date without knowing about closes; only the close and the reopening change it.
    closed_year = models.PositiveSmallIntegerField(_("closed through year"), null=True, blank=True, editable=False)
    clerks = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="clerk_of_villages",
        verbose_name=_("clerks"),
        help_text=_("Clerks who keep this village's households and ledger."),
    )

    class Meta:
        verbose_name = _("village")
        verbose_name_plural = _("villages")
        ordering = ["town__name", "name"]

    def __str__(self) -> str:
        return self.name


def new_card_token() -> str:
    """An unguessable code for the household's card; issuing a new one revokes the old."""
    return secrets.token_urlsafe(16)


class Household(models.Model):
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="households", verbose_name=_("village")
    )
    number = models.CharField(_("household number"), max_length=20, validators=[printable])
    # The number as people type it, zeros and width aside (0004 → 4), kept so search can use an index.
    number_key = models.CharField(_("number key"), max_length=20, editable=False)
    head_name = models.CharField(_("head of household"), max_length=50, validators=[printable])
    # Pinyin initials of the head's name (应美凤 → ymf), kept so search can use an index.
    head_initials = models.CharField(_("pinyin initials"), max_length=50, blank=True, editable=False)
    group = models.CharField(_("group / grid"), max_length=50, blank=True, validators=[printable])
    address = models.CharField(_("address"), max_length=200, blank=True, validators=[printable])
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[printable])
    active = models.BooleanField(_("active"), default=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True, editable=False)
    score = models.IntegerField(_("score"), default=0, editable=False)
    balance = models.IntegerField(_("balance"), default=0, editable=False)
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    # The villager's lookup PIN, hashed like a password; empty means lookup by PIN is not set up.
    pin_hash = models.CharField(_("lookup PIN"), max_length=128, blank=True, editable=False)
    card_token = models.CharField(_("card code"), max_length=32, unique=True, default=new_card_token, editable=False)
    # The hash of the household's newest ledger entry (credits/chain.py), moved with score and balance.
    chain_head = models.CharField(_("ledger chain head"), max_length=64, blank=True, editable=False)
    # The date of the deed of its latest award not undone, moved with score and balance by the ledger's
    # services (credits/services/awards.py) and proved by `reconcile`: a report over a period ending
    # today counts the households taking part from this alone.
    last_award_on = models.DateField(_("latest award"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["village", "number"]
        permissions = [("view_full_phone", _("Can see phone numbers in full"))]
        constraints = [
            models.UniqueConstraint(fields=["village", "number"], name="household_number_unique_in_village"),
            # 4 and 0004 would be one household to anyone typing them: they cannot be two.
            models.UniqueConstraint(fields=["village", "number_key"], name="household_number_key_unique"),
            models.CheckConstraint(
                condition=models.Q(active=True) | models.Q(closed_on__isnull=False),
                name="household_closed_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["village", "head_initials"], name="household_initials_idx"),
            models.Index(fields=["village", "group"], name="household_group_idx"),
            # A village's few closed households, which a count from the years' points leaves out.
            models.Index(fields=["village"], condition=models.Q(active=False), name="household_closed_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.head_name}"

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class StarLevel(models.Model):
    """One step of a village's star-rated civilized household scheme (星级文明户): from this score up."""

    village = models.ForeignKey(
        Village, on_delete=models.CASCADE, related_name="star_levels", verbose_name=_("village")
    )
    stars = models.PositiveSmallIntegerField(_("stars"))
    min_score = models.IntegerField(_("from score"))

    class Meta:
        verbose_name = _("star level")
        verbose_name_plural = _("star levels")
        ordering = ["village", "stars"]
        constraints = [
            models.UniqueConstraint(fields=["village", "stars"], name="star_level_unique_in_village"),
            models.CheckConstraint(condition=models.Q(stars__gte=1, stars__lte=9), name="star_level_one_to_nine"),
        ]

    def __str__(self) -> str:
        return f"{self.village} {'★' * self.stars} ≥ {self.min_score}"


LEADING_ZEROS = re.compile(r"(?<![0-9])0+(?=[0-9])")


def number_key(number: str) -> str:
    """0004, ０００４ and 4 are one number to a person: full width folded, case and spaces dropped,
    and the zeros in front of each run of digits (A-007 → A-7, 3组005 → 3组5)."""
    plain = "".join(unicodedata.normalize("NFKC", number).split()).upper()
    return LEADING_ZEROS.sub("", plain)[:20]


def mask_phone(phone: str) -> str:
    """138****1234: enough to recognise a number, not enough to call it."""
    digits = phone.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"
