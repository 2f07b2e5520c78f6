"""The login forms of the site and the admin, both counting failures through `user_authenticate`."""

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.guards import Locked, Refused
from accounts.services import user_authenticate

WARN_BELOW = 3


class GuardedLogin:
    """Checks the password through the guards; a lockout is kept in `locked` for the 429 page."""

    locked: Locked | None = None

    def clean(self):
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if username is None or not password:
            return self.cleaned_data
        try:
            self.user_cache = user_authenticate(request=self.request, username=username, password=password)
        except Locked as locked:
            self.locked = locked
            raise ValidationError(locked_message(locked), code="locked_out") from None
        except Refused as refused:
            raise ValidationError(refused_message(refused), code="invalid_login") from None
        self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class LoginForm(GuardedLogin, AuthenticationForm):
    pass


class AdminLoginForm(GuardedLogin, AdminAuthenticationForm):
    pass


def refused_message(refused: Refused) -> str:
    """Wrong username or password; with a warning when one or two attempts remain before the lock."""
    message = _("Wrong username or password.")
    if refused.remaining < WARN_BELOW:
        warning = ngettext(
            "%(count)d more wrong attempt locks logging in to this account from here for %(minutes)d minutes.",
            "%(count)d more wrong attempts lock logging in to this account from here for %(minutes)d minutes.",
            refused.remaining,
        ) % {"count": refused.remaining, "minutes": settings.XIANGFENG_LOGIN_LOCK_MINUTES}
        message = f"{message} {warning}"
    return message


def locked_message(locked: Locked) -> str:
    return _("Too many wrong passwords: logging in to this account from here is locked until %(time)s.") % {
        "time": locked.clock()
    }
