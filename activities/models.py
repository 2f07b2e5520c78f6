"""Activities (活动): a clerk publishes one, households sign up and are checked in, and closing it
awards its rule to every household checked in.

An `Activity` belongs to a village and names a rule of that village's catalogue. A `Signup` is
one household's place at it: made by the household itself on the lookup page (no `signed_up_by`)
or by a clerk, then checked in at the activity by its organisers. Closing is the only way an
activity touches the ledger: one batch of entries through `credits.services`, each signup keeping
the entry it earned, so a closed activity can never award again.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from credits.models import Entry, Rule
from households.models import Household, Village
from households.validators import printable


class Activity(models.Model):
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="activities", verbose_name=_("village")
    )
    title = models.CharField(_("title"), max_length=80, validators=[printable])
    rule = models.ForeignKey(
        Rule,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("rule"),
        help_text=_("The award every household checked in receives when the activity is closed."),
    )
    held_on = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=100, validators=[printable])
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("How many households may take part; empty for no limit.")
    )
    signup_until = models.DateTimeField(
        _("sign-up deadline"), help_text=_("Households sign up on the lookup page until then.")
    )
    description = models.CharField(_("description"), max_length=300, blank=True, validators=[printable])
    organisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="organised_activities",
        verbose_name=_("organisers"),
        help_text=_("Staff who may check households in, besides the village's clerks."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("published by")
    )
    created_at = models.DateTimeField(_("published at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    # Called off before it was closed: nothing is awarded and nothing about it changes any more.
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cancelled by"),
    )

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-held_on", "-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(capacity__isnull=True) | models.Q(capacity__gte=1),
                name="activity_capacity_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(closed_at__isnull=True, closed_by__isnull=True)
                | models.Q(closed_at__isnull=False, closed_by__isnull=False),
                name="activity_closed_has_closer",
            ),
            models.CheckConstraint(
                condition=models.Q(cancelled_at__isnull=True, cancelled_by__isnull=True)
                | models.Q(cancelled_at__isnull=False, cancelled_by__isnull=False, closed_at__isnull=True),
                name="activity_cancelled_not_closed",
            ),
        ]
        indexes = [models.Index(fields=["village", "held_on"], name="activity_village_date_idx")]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}"

    @property
    def closed(self) -> bool:
        return self.closed_at is not None

    @property
    def cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def finished(self) -> bool:
        """Closed or cancelled: nothing about it changes any more."""
        return self.closed or self.cancelled

    @property
    def signup_open(self) -> bool:
        return not self.finished and timezone.now() <= self.signup_until

    @property
    def full(self) -> bool:
        return self.places_left == 0

    @property
    def places_left(self) -> int | None:
        """How many more households may sign up; None for no limit. Counted by `with_counts` if it was used."""
        if self.capacity is None:
            return None
        taken = getattr(self, "taken", None)
        if taken is None:
            taken = self.signups.count()
        return max(self.capacity - taken, 0)


class Signup(models.Model):
    activity = models.ForeignKey(
        Activity, on_delete=models.PROTECT, related_name="signups", verbose_name=_("activity")
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="signups", verbose_name=_("household")
    )
    signed_up_at = models.DateTimeField(_("signed up at"), default=timezone.now)
    # Empty when the household signed itself up on the lookup page.
    signed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed up by"),
    )
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked in by"),
    )
    entry = models.OneToOneField(
        Entry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activity_signup",
        verbose_name=_("ledger entry"),
    )

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["activity", "household__number"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "household"], name="signup_once_per_activity"),
            models.CheckConstraint(
                condition=models.Q(entry__isnull=True) | models.Q(checked_in_at__isnull=False),
                name="signup_award_needs_check_in",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity} · {self.household}"

    @property
    def checked_in(self) -> bool:
        return self.checked_in_at is not None
