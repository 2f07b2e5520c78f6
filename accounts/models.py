"""What the accounts app keeps: counters of failed attempts, against guessing passwords and PINs.

A `Guard` row counts the failures against one key (an account on an address, an account, an
address, a household's PIN) in its current window, and the lock they earned. The rows are claimed
in the database before a password or PIN is checked (accounts/guards.py), so the limits are exact
across every gunicorn worker, on SQLite and on PostgreSQL.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Guard(models.Model):
    key = models.CharField(_("key"), max_length=255, unique=True)
    failures = models.PositiveIntegerField(_("failures"), default=0)
    window_started = models.DateTimeField(_("window started"))
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)
    # Locks in a row: each lasts twice as long as the one before, until a success or a quiet day.
    strikes = models.PositiveSmallIntegerField(_("locks in a row"), default=0)
    # For a ceiling that is spent: when an address that has not been failing may try next.
    next_pass = models.DateTimeField(_("next try from a clean address"), null=True, blank=True)

    class Meta:
        verbose_name = _("attempt guard")
        verbose_name_plural = _("attempt guards")

    def __str__(self) -> str:
        return self.key
