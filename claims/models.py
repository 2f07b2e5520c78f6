"""Claims (申报) and reports (随手拍): what villagers send from the lookup page for a clerk to act on.

Design overview
---------------
A village opens some of its catalogue's awards to claims: `ClaimableRule` names a rule by its
`key`, which stays the same from one version of the catalogue to the next, so the list is the
village's process choice (like `cases.ProcessSettings`) and never makes a new catalogue version
necessary; a rule whose key is no longer in the version in force is simply not offered.
`ClaimSettings` holds the village's limits (claims a household may send a day, and how many days
after the deed). A `Claim` is a household asking for one occurrence of a claimable rule, with a
description and up to three photos (`evidence`); it copies the rule's name and points as they were
offered. It is not an entry: a clerk of the village approves it, and `claims.services` then
records the award through `cases.services.record`, the same path as a clerk's own award (caps,
scope, closed years, the village's approval and notice), linking the claim to the entry, or to the
case the award became, with its photos; or the clerk rejects it with a reason the household reads.
A `Report` (随手拍) is about the village, not the household's points: a description, a place and
photos, which a clerk marks handled with a note. Both are changed only by `claims.services`.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from credits.models import Entry, Rule
from evidence.models import Evidence
from households.models import Household, Village
from households.validators import printable

DEFAULT_PER_DAY = 3
DEFAULT_WINDOW_DAYS = 30
MAX_DESCRIPTION = 500


class ClaimSettings(models.Model):
    """A village's limits on claims and reports; without a row, the defaults."""

    village = models.OneToOneField(
        Village, on_delete=models.CASCADE, related_name="claim_settings", verbose_name=_("village")
    )
    per_day = models.PositiveSmallIntegerField(
        _("claims per household a day"),
        default=DEFAULT_PER_DAY,
        help_text=_("How many claims, and as many reports, one household may send in a day."),
    )
    window_days = models.PositiveSmallIntegerField(
        _("days after the deed"),
        default=DEFAULT_WINDOW_DAYS,
        help_text=_("A deed may be claimed only this many days after it happened, at the latest."),
    )

    class Meta:
        verbose_name = _("claim settings")
        verbose_name_plural = _("claim settings")
        constraints = [
            models.CheckConstraint(condition=models.Q(per_day__gte=1, per_day__lte=50), name="claims_per_day_range"),
            models.CheckConstraint(
                condition=models.Q(window_days__gte=1, window_days__lte=366), name="claims_window_days_range"
            ),
        ]

    def __str__(self) -> str:
        return str(self.village)


class ClaimableRule(models.Model):
    """A rule of the village's catalogue (by its key, in whatever version is in force) open to claims."""

    village = models.ForeignKey(
        Village, on_delete=models.CASCADE, related_name="claimable_rules", verbose_name=_("village")
    )
    key = models.CharField(_("rule key"), max_length=20)

    class Meta:
        verbose_name = _("claimable rule")
        verbose_name_plural = _("claimable rules")
        constraints = [models.UniqueConstraint(fields=["village", "key"], name="claimable_rule_unique")]

    def __str__(self) -> str:
        return self.key


class Claim(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("waiting for the clerk")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="+", verbose_name=_("village"))
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="claims", verbose_name=_("household")
    )
    rule = models.ForeignKey(Rule, on_delete=models.PROTECT, related_name="+", verbose_name=_("rule"))
    rule_name = models.CharField(_("rule name"), max_length=50)
    points = models.IntegerField(_("points"))
    occurred_on = models.DateField(_("date of the deed"))
    description = models.TextField(_("what the household did"), max_length=MAX_DESCRIPTION)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now, editable=False)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.CharField(_("reason of the rejection"), max_length=500, blank=True, validators=[printable])
    entry = models.OneToOneField(
        Entry, on_delete=models.PROTECT, null=True, blank=True, related_name="claim", verbose_name=_("entry")
    )
    # When the village's settings hold the award for approval or notice, it became a case first.
    case = models.OneToOneField(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="claim", verbose_name=_("case")
    )
    evidence = models.ManyToManyField(Evidence, blank=True, related_name="claims", verbose_name=_("photos"))

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-id"]
        permissions = [("review_claim", _("Can approve and reject claims"))]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(state="approved", decided_by__isnull=False)
                    & (models.Q(entry__isnull=False) | models.Q(case__isnull=False))
                )
                | (models.Q(state="rejected", decided_by__isnull=False) & ~models.Q(reason=""))
                | models.Q(state="pending", entry__isnull=True, case__isnull=True, decided_by__isnull=True),
                name="claim_decision_complete",
            ),
            models.CheckConstraint(condition=models.Q(points__gt=0), name="claim_points_positive"),
        ]
        indexes = [
            models.Index(fields=["household", "created_at"], name="claim_household_day_idx"),
            models.Index(fields=["village", "state"], name="claim_village_state_idx"),
            models.Index(fields=["village", "created_at"], name="claim_village_month_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.household.number} {self.rule_name} {self.points:+d}"


class Report(models.Model):
    """随手拍: something in the village a household saw and reported, for the clerk to act on."""

    class State(models.TextChoices):
        OPEN = "open", _("waiting for the clerk")
        HANDLED = "handled", _("handled")

    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="+", verbose_name=_("village"))
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="reports", verbose_name=_("reported by")
    )
    description = models.TextField(_("what was seen"), max_length=MAX_DESCRIPTION)
    place = models.CharField(_("place"), max_length=100, validators=[printable])
    created_at = models.DateTimeField(_("sent at"), default=timezone.now, editable=False)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    note = models.CharField(_("what was done"), max_length=500, blank=True, validators=[printable])
    evidence = models.ManyToManyField(Evidence, blank=True, related_name="reports", verbose_name=_("photos"))

    class Meta:
        verbose_name = _("snapshot report")
        verbose_name_plural = _("snapshot reports")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state="open", handled_by__isnull=True)
                | (models.Q(state="handled", handled_by__isnull=False) & ~models.Q(note="")),
                name="report_handled_complete",
            ),
        ]
        indexes = [
            models.Index(fields=["household", "created_at"], name="report_household_day_idx"),
            models.Index(fields=["village", "state"], name="report_village_state_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.place}"
