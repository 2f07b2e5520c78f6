"""What the public pages keep: each village's board settings.

The lookup's counters of wrong PINs are the accounts app's guards (accounts/guards.py).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from households.models import Village


class BoardSettings(models.Model):
    """What a village's public board (`/board/<code>/`) shows; kept by the village's clerks."""

    village = models.OneToOneField(
        Village, on_delete=models.CASCADE, related_name="board_settings", verbose_name=_("village")
    )
    show_red_list = models.BooleanField(_("show the red list"), default=True)
    red_list_size = models.PositiveSmallIntegerField(_("households on the red list"), default=10)
    show_stars = models.BooleanField(_("show star households"), default=True)
    show_recent = models.BooleanField(_("show recent awards"), default=True)
    recent_days = models.PositiveSmallIntegerField(_("recent awards of the last days"), default=7)
    recent_size = models.PositiveSmallIntegerField(_("recent awards shown"), default=15)
    # Naming and shaming is a village's own decision: off unless its clerk switches it on.
    show_black_list = models.BooleanField(_("show the list of deductions"), default=False)
    black_list_size = models.PositiveSmallIntegerField(_("deductions shown"), default=10)
    mask_names = models.BooleanField(
        _("mask names"), default=True, help_text=_("Show the head's surname only, e.g. 王×.")
    )

    class Meta:
        verbose_name = _("board settings")
        verbose_name_plural = _("board settings")
        constraints = [
            models.CheckConstraint(condition=models.Q(red_list_size__lte=50), name="board_red_list_size_max"),
            models.CheckConstraint(
                condition=models.Q(recent_days__gte=1, recent_days__lte=90), name="board_recent_days_range"
            ),
            models.CheckConstraint(condition=models.Q(recent_size__lte=50), name="board_recent_size_max"),
            models.CheckConstraint(condition=models.Q(black_list_size__lte=50), name="board_black_list_size_max"),
        ]

    def __str__(self) -> str:
        return str(self.village)

