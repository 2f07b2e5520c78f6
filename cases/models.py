"""Cases: deductions and large entries on their way to the ledger (公示/待审).

Design overview
---------------
A village chooses, in its `ProcessSettings`, which of its clerks' writes go straight to the ledger
and which become a `Case` first: a deduction (or an adjustment below zero) is published for a
notice period in which the household may object, and an entry at or above a threshold waits for a
second person's approval. A case is not an entry: the ledger, the household's score and the board
know nothing of it until it is final, when `cases.services` records exactly one entry through the
ledger's own services (dated the deed, recorded when finalised) and links it here. A case that
ends without an entry (withdrawn on review, rejected by the approver, or refused by the ledger at
finalising) stays on record with who decided, when and why. Cases are changed only by
`cases.services`, each change a conditional step under the case's row lock.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from credits.models import Entry, Rule
from evidence.models import Evidence
from households.models import Household, Village
from households.validators import printable

DEFAULT_NOTICE_DAYS = 7
DEFAULT_THRESHOLD = 20
DEFAULT_BOARD_DAYS = 30


class ProcessSettings(models.Model):
    """How a village's entries reach the ledger; kept by its clerks. Without a row, the defaults."""

    village = models.OneToOneField(
        Village, on_delete=models.CASCADE, related_name="process_settings", verbose_name=_("village")
    )
    notice_deductions = models.BooleanField(
        _("deductions go through notice"),
        default=True,
        help_text=_("Every deduction of the catalogue is published for objection before it is recorded."),
    )
    notice_negative_adjustments = models.BooleanField(_("adjustments below zero go through notice"), default=True)
    notice_days = models.PositiveSmallIntegerField(
        _("days of notice"), default=DEFAULT_NOTICE_DAYS, help_text=_("How long a household may object.")
    )
    approval_threshold = models.PositiveSmallIntegerField(
        _("points needing approval"),
        null=True,
        blank=True,
        default=DEFAULT_THRESHOLD,
        help_text=_(
            "An award or deduction of this many points or more waits for a second person's approval. Empty: none does."
        ),
    )
    approve_adjustments = models.BooleanField(_("every adjustment needs approval"), default=True)
    board_days = models.PositiveSmallIntegerField(_("days a deduction stays on the board"), default=DEFAULT_BOARD_DAYS)
    board_shows_pending = models.BooleanField(
        _("the board shows cases in notice"),
        default=False,
        help_text=_("Shown with the household's number and surname only, marked as not final."),
    )
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="reviewer_of",
        verbose_name=_("reviewers"),
        help_text=_("The village's review committee: they approve entries and decide objections."),
    )

    class Meta:
        verbose_name = _("notice and approval settings")
        verbose_name_plural = _("notice and approval settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(notice_days__gte=1, notice_days__lte=60), name="process_notice_days_range"
            ),
            models.CheckConstraint(
                condition=models.Q(approval_threshold__isnull=True) | models.Q(approval_threshold__gte=1),
                name="process_threshold_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(board_days__gte=1, board_days__lte=365), name="process_board_days_range"
            ),
        ]

    def __str__(self) -> str:
        return str(self.village)


class Case(models.Model):
    class State(models.TextChoices):
        APPROVAL = "approval", _("awaiting approval")
        NOTICE = "notice", _("in notice")
        OBJECTED = "objected", _("objected, awaiting review")
        FINAL = "final", _("final")
        WITHDRAWN = "withdrawn", _("withdrawn")
        REJECTED = "rejected", _("not approved")
        LAPSED = "lapsed", _("refused by the ledger")

    class Decision(models.TextChoices):
        UPHELD = "upheld", _("upheld")
        REDUCED = "reduced", _("reduced")
        WITHDRAWN = "withdrawn", _("withdrawn")

    OPEN_STATES = (State.APPROVAL, State.NOTICE, State.OBJECTED)

    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="+", verbose_name=_("village"))
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="cases", verbose_name=_("household")
    )
    kind = models.CharField(
        _("kind"),
        max_length=12,
        choices=[(k, label) for k, label in Entry.Kind.choices if k in ("award", "deduction", "adjustment")],
    )
    rule = models.ForeignKey(
        Rule, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("rule")
    )
    rule_name = models.CharField(_("rule name"), max_length=50, blank=True)
    points = models.IntegerField(_("points"))
    occurred_on = models.DateField(_("date of the deed"))
    note = models.CharField(_("note"), max_length=200, blank=True, validators=[printable])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    needs_approval = models.BooleanField(_("needs approval"), default=False)
    needs_notice = models.BooleanField(_("goes through notice"), default=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    notice_ends_at = models.DateTimeField(_("objections until"), null=True, blank=True)
    objection = models.TextField(_("objection"), blank=True, max_length=1000)
    objected_at = models.DateTimeField(_("objected at"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.CharField(_("reason of the decision"), max_length=500, blank=True, validators=[printable])
    ledger_refusal = models.CharField(_("refused by the ledger because"), max_length=500, blank=True)
    final_points = models.IntegerField(_("points recorded"), null=True, blank=True)
    entry = models.OneToOneField(
        Entry, on_delete=models.PROTECT, null=True, blank=True, related_name="case", verbose_name=_("entry")
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The recorder's photos or documents; each is linked to the entry when the case becomes one.
    evidence = models.ManyToManyField(Evidence, blank=True, related_name="cases", verbose_name=_("evidence"))
    # The household's own, sent with its objection; they stay with the case.
    objection_evidence = models.ManyToManyField(
        Evidence, blank=True, related_name="objections", verbose_name=_("evidence of the objection")
    )

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-id"]
        permissions = [("review_case", _("Can approve entries and decide objections"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state="final", entry__isnull=False)
                | (~models.Q(state="final") & models.Q(entry__isnull=True)),
                name="case_final_has_entry",
            ),
            models.CheckConstraint(condition=~models.Q(points=0), name="case_points_not_zero"),
            models.CheckConstraint(
                condition=models.Q(state="notice", notice_ends_at__isnull=False) | ~models.Q(state="notice"),
                name="case_notice_has_deadline",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "notice_ends_at"], name="case_due_idx"),
            models.Index(fields=["household", "-id"], name="case_household_idx"),
            models.Index(fields=["village", "created_at"], name="case_village_month_idx"),
        ]

    def __str__(self) -> str:
        title = self.rule_name or self.get_kind_display()
        return f"#{self.pk} {self.household.number} {title} {self.points:+d}"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    def may_object(self, now=None) -> bool:
        now = now or timezone.now()
        return self.state == self.State.NOTICE and self.notice_ends_at is not None and now < self.notice_ends_at
