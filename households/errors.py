"""Domain errors: refusals a person can act on, with a message in their language.

Pages show them as form errors and the API as a 4xx with `{"code", "message"}`. Every app's
errors derive from `DomainError`, so a view can catch the whole family in one place.
"""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "refused"
    default_message = _("The request was refused.")

    def __init__(self, message=None, **params):
        template = message or self.default_message
        # Formatting a lazy string translates it into the language active where it is raised.
        self.message = str(template % params if params else template)
        self.params = params
        super().__init__(self.message)


class HouseholdClosed(DomainError):
    code = "household_closed"
    default_message = _("Household %(number)s is closed and accepts no new entries.")


class HouseholdNumberTaken(DomainError):
    code = "household_number_taken"
    default_message = _("Household number %(number)s is already used in this village.")


class NotYours(DomainError):
    code = "not_yours"
    default_message = _("This village is not in your care.")


class BadPin(DomainError):
    code = "bad_pin"
    default_message = _("A PIN is 4 to 6 digits.")
