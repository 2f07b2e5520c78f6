"""Refusals of activities: sign-up, check-in and closing."""

from django.utils.translation import gettext_lazy as _

from households.errors import DomainError


class ActivityClosed(DomainError):
    code = "activity_closed"
    default_message = _("The activity “%(title)s” is closed; nothing about it can change any more.")


class ActivityCancelled(DomainError):
    code = "activity_cancelled"
    default_message = _("The activity “%(title)s” was cancelled; nothing about it can change any more.")


class ActivityFull(DomainError):
    code = "activity_full"
    default_message = _("The activity “%(title)s” is full: all %(capacity)s places are taken.")


class SignupClosed(DomainError):
    code = "signup_closed"
    default_message = _("Sign-up for “%(title)s” ended at %(deadline)s.")


class AlreadySignedUp(DomainError):
    code = "already_signed_up"
    default_message = _("Household %(number)s is already signed up for “%(title)s”.")


class NotSignedUp(DomainError):
    code = "not_signed_up"
    default_message = _("Household %(number)s is not signed up for “%(title)s”.")


class AlreadyCheckedIn(DomainError):
    code = "already_checked_in"
    default_message = _("Household %(number)s has already been checked in; ask the organiser to undo it.")


class HouseholdNotFound(DomainError):
    code = "household_not_found"
    default_message = _("No household of %(village)s has the number or card “%(code)s”.")


class NotHeldYet(DomainError):
    code = "not_held_yet"
    default_message = _("The activity takes place on %(date)s; it can be closed on that day or after.")


class BadActivity(DomainError):
    code = "bad_activity"


class NotOrganiser(DomainError):
    code = "not_organiser"
    default_message = _("Only the village's clerks and the activity's organisers may check households in.")
