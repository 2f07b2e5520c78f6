"""A village's year close (年度结算): the frozen figures of a year, and how the next one starts.

Design overview
---------------
A clerk closes a village's year after reading its preview. The close (`YearClose`) records who
closed it, when, and what the new year starts with: the score carries on or restarts at the base,
the balance carries on or expires (in whole or in part) on a chosen date. With it, one
`YearSnapshot` row per household freezes the year's points, rank and stars, and the household's
number and head's name as they were. Snapshot rows are append-only in the database (`years/sql/`).
From the close on, the ledger refuses any entry dated in that year or before it
(`Village.closed_year`). A superuser may reopen a year with a reason: the close is marked reopened,
its snapshot kept, and the next close of that year writes a new one beside it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from households.models import Household, Village
from households.validators import printable


class YearClose(models.Model):
    class ScoreStart(models.TextChoices):
        CARRY = "carry", _("the score carries on")
        RESTART = "restart", _("the score restarts at the base")

    class BalanceStart(models.TextChoices):
        CARRY = "carry", _("the balance carries on")
        EXPIRE = "expire", _("the balance expires on a date")

    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="year_closes", verbose_name=_("village")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    closed_at = models.DateTimeField(_("closed at"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("closed by")
    )
    score_start = models.CharField(
        _("the new year's score"), max_length=8, choices=ScoreStart.choices, default=ScoreStart.CARRY
    )
    balance_start = models.CharField(
        _("the new year's balance"), max_length=8, choices=BalanceStart.choices, default=BalanceStart.CARRY
    )
    expire_percent = models.PositiveSmallIntegerField(
        _("share of the balance that expires (%)"), null=True, blank=True
    )
    expire_on = models.DateField(_("expires on"), null=True, blank=True)
    # The ledger's newest entry when the close read it: what a household spends afterwards has a
    # greater id (its writer waited for the close's locks), and is taken from the expiring points.
    last_entry_id = models.BigIntegerField(_("last entry at the close"), default=0, editable=False)
    # When the balance's expiry was written to the ledger; empty while it is still to come.
    expired_at = models.DateTimeField(_("expired at"), null=True, blank=True)
    households = models.PositiveIntegerField(_("households"), default=0)
    points = models.IntegerField(_("points of the year"), default=0)
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reopened by"),
    )
    reopen_reason = models.CharField(_("reason for reopening"), max_length=200, blank=True, validators=[printable])

    class Meta:
        verbose_name = _("year close")
        verbose_name_plural = _("year closes")
        ordering = ["village", "-year", "-closed_at"]
        constraints = [
            # One standing close of a year per village; reopened ones stay beside it as history.
            models.UniqueConstraint(
                fields=["village", "year"],
                condition=models.Q(reopened_at__isnull=True),
                name="year_close_one_standing",
            ),
            models.CheckConstraint(
                condition=models.Q(balance_start="carry", expire_percent__isnull=True, expire_on__isnull=True)
                | models.Q(
                    balance_start="expire",
                    expire_percent__gte=1,
                    expire_percent__lte=100,
                    expire_on__isnull=False,
                ),
                name="year_close_expiry_complete",
            ),
            models.CheckConstraint(
                condition=models.Q(reopened_at__isnull=True) | ~models.Q(reopen_reason=""),
                name="year_close_reopened_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.village} {self.year}"

    @property
    def standing(self) -> bool:
        return self.reopened_at is None


class YearSnapshot(models.Model):
    """One household's year, frozen at the close. Never updated or deleted (database triggers)."""

    close = models.ForeignKey(YearClose, on_delete=models.PROTECT, related_name="rows", verbose_name=_("year close"))
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+", verbose_name=_("household"))
    number = models.CharField(_("household number"), max_length=20)
    head_name = models.CharField(_("head of household"), max_length=50)
    points = models.IntegerField(_("points of the year"))
    # Among the households still in the scheme at the close; equal points share a rank (1, 2, 2, 4).
    # Empty for a household closed since.
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    stars = models.PositiveSmallIntegerField(_("stars"))
    score = models.IntegerField(_("score at the close"))
    balance = models.IntegerField(_("balance at the close"))

    class Meta:
        verbose_name = _("year's figures of a household")
        verbose_name_plural = _("years' figures of households")
        ordering = ["close", "rank", "number"]
        constraints = [models.UniqueConstraint(fields=["close", "household"], name="year_snapshot_unique")]

    def __str__(self) -> str:
        return f"{self.close} {self.number}: {self.points:+d}"
