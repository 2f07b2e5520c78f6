"""Refusals of the villagers' lookup, in the villager's language.

A wrong PIN, a household number that does not exist and a household without a PIN are one and the
same refusal (`LookupRefused`): the lookup must not tell a stranger which households exist.
"""

from django.utils.translation import gettext_lazy as _

from accounts.guards import clock
from households.errors import DomainError


class LookupRefused(DomainError):
    code = "lookup_refused"
    default_message = _(
        "The household number or the PIN is not right. Check them, or ask the village clerk for a PIN."
    )


class LookupLocked(DomainError):
    code = "lookup_locked"
    default_message = _("Too many wrong attempts. Lookup by PIN is locked until %(time)s; please try again then.")

    def __init__(self, *, until):
        self.until = until
        super().__init__(time=clock(until))

