"""The points ledger: entries and the years' points cached beside them (see `credits.models`)."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from credits.models.catalogue import Rule
from households.models import Household, Village
from households.validators import printable

# An entry recorded more than this long after its deed is marked as recorded late (补记).
LATE_RECORDING = timedelta(days=14)


class Entry(models.Model):
    class Kind(models.TextChoices):
        OPENING = "opening", _("opening")
        AWARD = "award", _("award")
        DEDUCTION = "deduction", _("deduction")
        REDEMPTION = "redemption", _("redemption")
        REVERSAL = "reversal", _("reversal")
        ADJUSTMENT = "adjustment", _("adjustment")
        # Written by a village's year close (years.services): the score set back to the base for the
        # new year, the balance given back beside it when it carries on, and the balance expiring.
        RESTART = "restart", _("year restart")
        CARRYOVER = "carryover", _("balance carried over")
        EXPIRY = "expiry", _("balance expiry")

    # No index of its own: `entry_household_idx` begins with it (every posting writes each index).
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="entries", verbose_name=_("household"), db_index=False
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    points = models.IntegerField(_("points"))
    in_score = models.BooleanField(
        _("counts toward score"), help_text=_("False for spending at the shop and its reversal.")
    )
    rule = models.ForeignKey(
        Rule, on_delete=models.PROTECT, null=True, blank=True, related_name="entries", verbose_name=_("rule")
    )
    # What the rule said when the entry was recorded: later versions never change what it was.
    rule_name = models.CharField(_("rule name"), max_length=50, blank=True)
    domain_name = models.CharField(_("domain"), max_length=50, blank=True)
    rule_standard = models.CharField(_("standard"), max_length=200, blank=True)
    occurred_on = models.DateField(_("date of the deed"))
    note = models.CharField(_("note"), max_length=200, blank=True, validators=[printable])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    # Now, unless a service is told the time it happened (`at`), as seeding a demo shop's past is.
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)
    score_after = models.IntegerField(_("score after"))
    balance_after = models.IntegerField(_("balance after"))
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversal",
        verbose_name=_("reverses"),
    )
    # The hash chain (credits/chain.py): the household's previous entry's hash, and this entry's
    # over what it records and that one, as version `hash_version` of the chain defines it.
    hash_version = models.PositiveSmallIntegerField(_("hash version"), editable=False)
    previous_hash = models.CharField(_("previous entry's hash"), max_length=64, blank=True, editable=False)
    hash = models.CharField(_("hash"), max_length=64, editable=False)

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="reversal", reverses__isnull=False)
                | (~models.Q(kind="reversal") & models.Q(reverses__isnull=True)),
                name="entry_reversal_points_at_entry",
            ),
            models.CheckConstraint(
                condition=models.Q(in_score=True)
                | models.Q(kind__in=["redemption", "reversal", "carryover", "expiry"]),
                name="entry_only_spending_outside_score",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="award", points__gt=0) | ~models.Q(kind="award"), name="entry_award_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(kind="deduction", points__lt=0) | ~models.Q(kind="deduction"),
                name="entry_deduction_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="redemption", points__lt=0) | ~models.Q(kind="redemption"),
                name="entry_redemption_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="expiry", points__lt=0) | ~models.Q(kind="expiry"),
                name="entry_expiry_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(in_score=False) | ~models.Q(kind__in=["carryover", "expiry"]),
                name="entry_balance_kinds_outside_score",
            ),
            models.CheckConstraint(
                condition=models.Q(in_score=True) | ~models.Q(kind="restart"), name="entry_restart_in_score"
            ),
        ]
        indexes = [
            # The statement, newest first; also serves the reconcile chain walk.
            models.Index(fields=["household", "-id"], name="entry_household_idx"),
            # Caps count a household's uses of a rule in a year.
            models.Index(fields=["household", "rule", "occurred_on"], name="entry_cap_idx"),
            models.Index(fields=["occurred_on"], name="entry_occurred_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} {self.points:+d}"

    @property
    def recorded_late(self) -> bool:
        """Recorded weeks after the deed (补记): statements mark it, so a bank book read in recording
        order explains an older date below a newer one. A reversal keeps the date of the deed it
        undoes, spending is dated the day it is recorded, and an opening is dated the day the
        household joined the scheme (a paper book carried over opens in the past), so none counts;
        nor do the entries a year close writes, dated on the day the new year starts or expires."""
        if self.kind not in (self.Kind.AWARD, self.Kind.DEDUCTION, self.Kind.ADJUSTMENT):
            return False
        return timezone.localdate(self.created_at) - self.occurred_on > LATE_RECORDING


class YearScore(models.Model):
    """A household's points of one calendar year, cached beside its score for rankings and the board.

    The sum of the household's entries toward the score whose deed fell in that year, the opening
    entry excepted (a household opened this year has not earned its base), and so is a year
    restart (the base the new year starts from, not points earned in it). Written only by the
    ledger's services, with the entries, and proved by `reconcile`.
    """

    # Neither key has an index of its own: the unique (household, year) and the ranking's (village, …)
    # index begin with them, and every posting writes this row, so each index more is a write more.
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="year_scores", verbose_name=_("household"), db_index=False
    )
    # The household's village, copied so a village's ranking reads only its own rows of the
    # county's table (a household never moves village).
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="+", verbose_name=_("village"), db_index=False
    )
    year = models.PositiveSmallIntegerField(_("year"))
    points = models.IntegerField(_("points this year"), default=0)

    class Meta:
        verbose_name = _("year's points")
        verbose_name_plural = _("years' points")
        constraints = [models.UniqueConstraint(fields=["household", "year"], name="year_score_unique")]
        indexes = [models.Index(fields=["village", "year", "-points"], name="year_score_rank_idx")]

    def __str__(self) -> str:
        return f"{self.household} {self.year}: {self.points:+d}"


class MonthTotal(models.Model):
    """A village's entries of one month of deed and one kind of what they record, counted and summed.

    One row for each village, year and month of `occurred_on`, entry kind, standing toward the score,
    sign of the points, and domain and rule name as the entries recorded them (blank for entries of
    no rule): `count` entries, `points` their sum. Reports read these instead of the entries; written
    only by the ledger's services, in the transaction of the entries, and proved by `reconcile`.
    """

    # No index of its own: the unique key begins with it.
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="+", verbose_name=_("village"), db_index=False
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    kind = models.CharField(_("kind"), max_length=12, choices=Entry.Kind.choices)
    in_score = models.BooleanField(_("counts toward score"))
    positive = models.BooleanField(_("positive"))
    domain_name = models.CharField(_("domain"), max_length=50, blank=True)
    rule_name = models.CharField(_("rule name"), max_length=50, blank=True)
    count = models.IntegerField(_("number of entries"), default=0)
    points = models.BigIntegerField(_("points"), default=0)

    KEY = ("village_id", "year", "month", "kind", "in_score", "positive", "domain_name", "rule_name")

    class Meta:
        verbose_name = _("month's totals")
        verbose_name_plural = _("months' totals")
        constraints = [
            models.UniqueConstraint(
                fields=["village", "year", "month", "kind", "in_score", "positive", "domain_name", "rule_name"],
                name="month_total_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.village_id} {self.year}-{self.month:02d} {self.kind} {self.rule_name}: {self.count}"
