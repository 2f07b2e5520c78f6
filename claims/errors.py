"""Refusals of a claim or a report, and of a clerk's decision on one."""

from django.utils.translation import gettext_lazy as _

from households.errors import DomainError


class NotClaimable(DomainError):
    code = "not_claimable"
    default_message = _("“%(rule)s” cannot be claimed: choose one of the village's claimable rules.")


class RuleOfAnotherVillage(DomainError):
    code = "rule_of_another_village"
    default_message = _("This rule belongs to another village's catalogue.")


class ClaimTooLate(DomainError):
    code = "claim_too_late"
    default_message = _("A deed may be claimed within %(days)s days; %(date)s is too long ago.")


class DailyLimit(DomainError):
    code = "daily_limit"
    default_message = _(
        "Your household has already sent %(limit)s claims today, the most the village allows a day. "
        "Please send this one tomorrow."
    )


class ReportDailyLimit(DomainError):
    code = "report_daily_limit"
    default_message = _(
        "Your household has already sent %(limit)s reports today, the most the village allows a day. "
        "Please send this one tomorrow."
    )


class TooManyPhotos(DomainError):
    code = "too_many_photos"
    default_message = _("Send at most %(limit)s photos.")


class PhotoOnly(DomainError):
    code = "photo_only"
    default_message = _("“%(name)s” is not a photo: send JPEG, PNG or HEIC photos only.")


class DescriptionRequired(DomainError):
    code = "description_required"
    default_message = _("Please say what happened.")


class PlaceRequired(DomainError):
    code = "place_required"
    default_message = _("Please say where it is.")


class NotPending(DomainError):
    code = "claim_not_pending"
    default_message = _("This has already been decided: it is now “%(state)s”.")


class MayNotReview(DomainError):
    code = "may_not_review"
    default_message = _("Only a clerk of the village may decide its claims and reports.")
