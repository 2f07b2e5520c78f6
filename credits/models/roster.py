"""A roster sheet on its way into the households, kept while the background worker checks and saves it."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RosterImport(models.Model):
    """A roster sheet on its way into the households, in two background steps (`credits.tasks`).

    Checking reads every row and writes nothing; once the clerk has seen what it will do and
    confirms, applying opens and updates the households in one transaction, all or nothing. The
    sheet itself is kept here, not in a temporary file, so the worker may run on another machine.
    """

    class State(models.TextChoices):
        CHECKING = "checking", _("checking")
        CHECKED = "checked", _("ready to import")
        REFUSED = "refused", _("refused")
        APPLYING = "applying", _("importing")
        DONE = "done", _("imported")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    language = models.CharField(max_length=10)
    file_name = models.CharField(max_length=200)
    file_format = models.CharField(max_length=4, choices=[("csv", "CSV"), ("xlsx", "Excel")])
    content = models.BinaryField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.CHECKING)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    new = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    # [[line in the sheet or null for the whole sheet, [reasons…]], …], in the clerk's language.
    problems = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("roster import")
        verbose_name_plural = _("roster imports")

    def __str__(self) -> str:
        return self.file_name

    @property
    def working(self) -> bool:
        return self.state in (self.State.CHECKING, self.State.APPLYING)
