"""Refusals of the notice and review process."""

from django.utils.translation import gettext_lazy as _

from households.errors import DomainError


class OwnCase(DomainError):
    code = "own_case"
    default_message = _("You recorded this yourself: another clerk or a reviewer of the village must decide it.")


class NotReviewer(DomainError):
    code = "not_reviewer"
    default_message = _("Only the village's reviewers may decide an objection.")


class MayNotApprove(DomainError):
    code = "may_not_approve"
    default_message = _("Only a clerk or a reviewer of the village may approve its entries.")


class CaseNotWaiting(DomainError):
    code = "case_not_waiting"
    default_message = _("This case is no longer waiting for that: it is now “%(state)s”.")


class ObjectionTooLate(DomainError):
    code = "objection_too_late"
    default_message = _("The notice period ended on %(deadline)s; an objection can no longer be made.")


class ObjectionRequired(DomainError):
    code = "objection_required"
    default_message = _("Please say why you object.")


class ReducedPoints(DomainError):
    code = "reduced_points"
    default_message = _("A reduced deduction is between %(low)s and %(high)s points.")


class TooManyFiles(DomainError):
    code = "too_many_files"
    default_message = _("Send at most %(limit)s files at a time.")
