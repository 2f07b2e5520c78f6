"""API tokens (django-rest-knox): made at `POST /api/auth/token/`, each expiring after
`XIANGFENG_API_TOKEN_DAYS`, stored only as a hash, listed and revoked by their owner at
`/accounts/tokens/`, and all revoked when the owner's password changes or the account is
deactivated (a stolen token must not outlive the password it was made with).
"""

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models.signals import pre_save
from django.dispatch import receiver
from knox.models import AuthToken


def api_token_create(*, user) -> tuple[str, datetime]:
    """A new token for the user, and when it expires; only its hash is kept, so this is the one time it can be read."""
    instance, token = AuthToken.objects.create(user=user)
    return token, instance.expiry


def user_tokens(user):
    return AuthToken.objects.filter(user=user).order_by("-created")


def api_token_revoke(*, user, token_key: str) -> bool:
    """Revoke one of the user's own tokens, named by its first characters; False if none is theirs."""
    deleted, _by_model = AuthToken.objects.filter(user=user, token_key=token_key).delete()
    return bool(deleted)


def api_tokens_revoke(*, user) -> int:
    deleted, _by_model = AuthToken.objects.filter(user=user).delete()
    return deleted


@receiver(pre_save, sender=get_user_model(), dispatch_uid="accounts.revoke_tokens")
def _revoke_tokens_when_the_password_changes_or_the_account_closes(sender, instance, update_fields=None, **kwargs):
    # A signal, because passwords change in many places (the admin, `changepassword`, a reset).
    if instance.pk is None or (update_fields is not None and not {"password", "is_active"} & set(update_fields)):
        return
    before = sender.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if before and (before["password"] != instance.password or (before["is_active"] and not instance.is_active)):
        api_tokens_revoke(user=instance)
