"""Refusals of the year close."""

from django.utils.translation import gettext_lazy as _

from households.errors import DomainError


class YearNotOver(DomainError):
    code = "year_not_over"
    default_message = _("%(year)s is not over yet: a year is closed once it has ended.")


class YearAlreadyClosed(DomainError):
    code = "year_already_closed"
    default_message = _("%(village)s has already closed %(year)s.")


class YearOutOfOrder(DomainError):
    code = "year_out_of_order"
    default_message = _("%(village)s closed %(closed)s last: close %(next)s first, one year after another.")


class YearNotLatest(DomainError):
    code = "year_not_latest"
    default_message = _("Only the latest closed year (%(year)s) can be reopened.")


class ReopenNotAllowed(DomainError):
    code = "reopen_not_allowed"
    default_message = _("Only a superuser may reopen a closed year.")


class BadExpiry(DomainError):
    code = "bad_expiry"
    default_message = _(
        "An expiry needs a share from 1 to 100 per cent and a date in %(next)s or later; "
        "a balance that carries on needs neither."
    )


class BalanceAlreadyExpired(DomainError):
    code = "balance_already_expired"
    default_message = _(
        "The balance of %(year)s already expired on %(date)s under the earlier close; "
        "close the year again with the balance carrying on."
    )
