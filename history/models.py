"""The history of changes to the site's records, kept by django-auditlog.

Every save and delete of a tracked model (see `history.tracked`), through the admin, the API, a
service or a command, adds one `Change`: what was changed, its old and new values, who (the
signed-in user, or the user a service acts for), from which address, and when. Each change also
carries the village and town it belongs to, so a clerk reads their villages' history and an
officer their towns' without joining back to records that may since have moved or gone. Like the
ledger, the history is append-only in the database (`history/sql/`).
"""

from auditlog.models import AbstractLogEntry, LogEntryManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from history.context import current_actor
from history.tracked import scope_of
from households.models import Town, Village


class ChangeManager(LogEntryManager):
    def log_create(self, instance, force_log: bool = False, **kwargs):
        return super().log_create(instance, force_log, **self._scoped(instance, kwargs))

    def log_m2m_changes(self, changed_queryset, instance, operation, field_name, **kwargs):
        return super().log_m2m_changes(
            changed_queryset, instance, operation, field_name, **self._scoped(instance, kwargs)
        )

    @staticmethod
    def _scoped(instance, kwargs: dict) -> dict:
        village, town = scope_of(instance)
        kwargs.setdefault("village", village)
        kwargs.setdefault("town", town)
        if current_actor() is not None:
            kwargs.setdefault("actor", current_actor())
        return kwargs


class Change(AbstractLogEntry):
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("village")
    )
    town = models.ForeignKey(
        Town, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("town")
    )

    objects = ChangeManager()

    class Meta(AbstractLogEntry.Meta):
        verbose_name = _("change")
        verbose_name_plural = _("history of changes")
        indexes = [
            models.Index(fields=["village", "-timestamp"], name="change_village_idx"),
            models.Index(fields=["town", "-timestamp"], name="change_town_idx"),
        ]
