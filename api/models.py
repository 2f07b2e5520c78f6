"""What the API keeps of its own: the answers to idempotent requests.

A client that may retry a write (a redemption, an entry, a batch) sends an `Idempotency-Key`
header. The first request with a key stores its answer here, in the same transaction as its
writes; a retry with the same key and the same request gets that answer again instead of a second
write. Keys are scoped to the user: the unique constraint is on (user, key).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class IdempotencyKey(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    key = models.CharField(_("idempotency key"), max_length=64)
    # A hash of the method, path and body: the same key with another request is refused, not replayed.
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    status = models.PositiveSmallIntegerField(_("response status"))
    body = models.JSONField(_("response body"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user")]

    def __str__(self) -> str:
        return self.key
