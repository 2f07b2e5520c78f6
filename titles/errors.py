"""Refusals of the selection of titles."""

from django.utils.translation import gettext_lazy as _

from households.errors import DomainError


class WrongState(DomainError):
    code = "selection_wrong_state"
    default_message = _("This selection is %(state)s: it cannot be %(action)s now.")


class SelectionExists(DomainError):
    code = "selection_exists"
    default_message = _("%(village)s already has a selection for %(year)s.")


class YearNotEnded(DomainError):
    code = "year_not_ended"
    default_message = _("%(year)s is not over yet: titles are selected once the year has ended.")


class BadNoticeDate(DomainError):
    code = "bad_notice_date"
    default_message = _("The notice must run until today or a later day.")


class NoticeNotOver(DomainError):
    code = "notice_not_over"
    default_message = _("The list is on notice until %(date)s: the titles are awarded after that day.")


class NoCandidates(DomainError):
    code = "no_candidates"
    default_message = _("No household meets the conditions: there is nothing to confirm.")


class BadCondition(DomainError):
    code = "bad_condition"
    default_message = _("A condition names a rule or a domain that is not in this village's catalogue.")


class NotOfficer(DomainError):
    code = "not_officer"
    default_message = _("Only the officers of %(place)s may do this.")


class NotNominable(DomainError):
    code = "not_nominable"
    default_message = _("A %(level)s title cannot be nominated here.")


class AlreadyNominated(DomainError):
    code = "already_nominated"
    default_message = _("%(title)s is already nominated.")


class AlreadyTitled(DomainError):
    code = "already_titled"
    default_message = _("Household %(number)s already holds the %(level)s title of %(year)s.")


class NoQuota(DomainError):
    code = "no_quota"
    default_message = _("%(place)s has no quota for %(year)s yet.")


class QuotaFull(DomainError):
    code = "quota_full"
    default_message = _("%(place)s's quota of %(places)s titles for %(year)s is used up.")
