"""The rule catalogue and the points ledger.

Design overview
---------------
Each household has one signed ledger, read like a bank book (存折). An `Entry` records one change:
its signed `points`, its `kind`, the rule it applied (with the rule's name and points copied, so a
later edit of the rule never rewrites history), the date of the deed, a note, who recorded it and
when, and the household's `score_after` and `balance_after`. The score measures standing and is
the sum of every entry that counts toward it (`in_score`); the balance is what may be spent at the
shop and is the sum of every entry. Redemptions lower the balance only, so they are recorded with
`in_score` false. Entries are never updated or deleted — database triggers (`credits/sql/`) refuse
it below the ORM — and a mistake is undone by a reversal entry pointing at the entry it reverses,
at most once. `households.Household.score` and `.balance` cache the latest `*_after` values; only
`credits.services` writes entries and those caches, together, in one transaction.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from households.models import Household, Village
from households.validators import printable


class Domain(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True, validators=[printable])
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    description = models.CharField(_("description"), max_length=200, blank=True, validators=[printable])

    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class Rule(models.Model):
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
            models.UniqueConstraint(fields=["domain", "name"], name="rule_name_unique_in_domain"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.points:+d})"


class Entry(models.Model):
    class Kind(models.TextChoices):
        OPENING = "opening", _("opening")
        AWARD = "award", _("award")
        DEDUCTION = "deduction", _("deduction")
        REDEMPTION = "redemption", _("redemption")
        REVERSAL = "reversal", _("reversal")
        ADJUSTMENT = "adjustment", _("adjustment")

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="entries", verbose_name=_("household")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    points = models.IntegerField(_("points"))
    in_score = models.BooleanField(
        _("counts toward score"), help_text=_("False for spending at the shop and its reversal.")
    )
    rule = models.ForeignKey(
        Rule, on_delete=models.PROTECT, null=True, blank=True, related_name="entries", verbose_name=_("rule")
    )
    rule_name = models.CharField(_("rule name"), max_length=50, blank=True)
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
                condition=models.Q(in_score=True) | models.Q(kind__in=["redemption", "reversal"]),
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


class YearScore(models.Model):
    """A household's points of one calendar year, cached beside its score for rankings and the board.

    The sum of the household's entries toward the score whose deed fell in that year, the opening
    entry excepted (a household opened this year has not earned its base). Written only by the
    ledger's services, with the entries, and proved by `reconcile`.
    """

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="year_scores", verbose_name=_("household")
    )
    # The household's village, copied so a village's ranking reads only its own rows of the
    # county's table (a household never moves village).
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="+", verbose_name=_("village"))
    year = models.PositiveSmallIntegerField(_("year"))
    points = models.IntegerField(_("points this year"), default=0)

    class Meta:
        verbose_name = _("year's points")
        verbose_name_plural = _("years' points")
        constraints = [models.UniqueConstraint(fields=["household", "year"], name="year_score_unique")]
        indexes = [models.Index(fields=["village", "year", "-points"], name="year_score_rank_idx")]

    def __str__(self) -> str:
        return f"{self.household} {self.year}: {self.points:+d}"
